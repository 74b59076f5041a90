/**
 * `npm run bench:quick`, for CI: a few seconds of gateway passthrough vs the no-op proxy (and the
 * simulator directly) at 10 connections, in alternating slices. Fails (exit 1) only on a clear
 * regression, judged by ratios so a slow or noisy machine does not flake it:
 *   - gateway throughput below QUICK_MIN_RPS_RATIO (0.35) × the no-op proxy's, or
 *   - gateway added p50 above QUICK_MAX_P50_RATIO (4) × the no-op proxy's added p50 (the latter
 *     floored at 0.25 ms, so a near-zero floor does not make the check arbitrarily strict), or
 *   - more than 1% of gateway requests failing.
 * Knobs: QUICK_ROUNDS (3), QUICK_SLICE (1.5 s), QUICK_CONNS (10).
 */
import { buildChildScripts } from './lib/child-scripts.js';
import { installCleanup, stopAll } from './lib/children.js';
import { computeRatios } from './lib/report.js';
import { runScenario } from './lib/scenario.js';
import { gatewayAvailable, GATEWAY_CLI, startGateway, startNoopProxy, startSimulator } from './lib/servers.js';
import { envNumber, fmt, parseSeconds } from './lib/stats.js';
import { openaiTarget, smoke } from './lib/targets.js';

const ROUNDS = Math.max(1, envNumber('QUICK_ROUNDS', 3));
const SLICE_SEC = parseSeconds(process.env.QUICK_SLICE, 1.5);
const CONNS = Math.max(1, envNumber('QUICK_CONNS', 10));
const MIN_RPS_RATIO = envNumber('QUICK_MIN_RPS_RATIO', 0.35);
const MAX_P50_RATIO = envNumber('QUICK_MAX_P50_RATIO', 4);
const NOOP_ADDED_FLOOR_MS = 0.25;
const MAX_FAILED_SHARE = 0.01;

async function main(): Promise<number> {
  installCleanup();
  if (!(await gatewayAvailable())) {
    console.log(`bench:quick FAIL: ${GATEWAY_CLI} not found (run npm run build first)`);
    return 1;
  }
  const scripts = await buildChildScripts();
  const sim = await startSimulator(scripts, { chunks: 20 });
  const noop = await startNoopProxy(scripts, sim.origin);
  const gateway = await startGateway(scripts, { name: 'gateway-quick', upstreamBaseUrl: `${sim.origin}/`, workers: 1 });

  const path = '/v1/chat/completions';
  const direct = openaiTarget('direct', sim.origin + path);
  const target = openaiTarget('gateway', `${gateway.origin}/router/pass/chat/completions`);
  const reference = await smoke(direct, 'json');
  const check = await smoke(target, 'json', reference.text);
  if (!check.ok) {
    console.log(`bench:quick FAIL: gateway passthrough does not answer correctly: ${check.detail ?? ''}`);
    return 1;
  }

  const scenario = await runScenario(
    { profile: 'fast', mode: 'json', connections: CONNS, targets: [direct, openaiTarget('noop', noop.origin + path), target], rounds: ROUNDS, sliceSec: SLICE_SEC, warmupSec: 1 },
    () => undefined,
  );
  const ratios = computeRatios(scenario);
  const gw = scenario.summaries.find((s) => s.target === 'gateway');
  const noopSummary = scenario.summaries.find((s) => s.target === 'noop');
  const gwAdded = ratios.added.gateway?.p50 ?? Number.NaN;
  const noopAdded = ratios.added.noop?.p50 ?? Number.NaN;
  const allowedAdded = MAX_P50_RATIO * Math.max(noopAdded, NOOP_ADDED_FLOOR_MS);
  const failed = gw ? gw.non2xx + gw.errors : 0;
  const failedShare = gw ? failed / Math.max(1, gw.ok + failed) : 1;

  const problems: string[] = [];
  if (!(ratios.gatewayVsNoopRps >= MIN_RPS_RATIO)) problems.push(`throughput ${fmt(ratios.gatewayVsNoopRps)}× noop < ${MIN_RPS_RATIO}×`);
  if (!(gwAdded <= allowedAdded)) problems.push(`added p50 ${fmt(gwAdded)} ms > ${fmt(allowedAdded)} ms allowed`);
  if (failedShare > MAX_FAILED_SHARE) problems.push(`${failed} failed requests`);

  console.log(
    `bench:quick ${problems.length === 0 ? 'PASS' : `FAIL (${problems.join('; ')})`}: ` +
      `gateway ${fmt(gw?.rps ?? Number.NaN, 0)} req/s = ${fmt(ratios.gatewayVsNoopRps)}× noop (${fmt(noopSummary?.rps ?? Number.NaN, 0)}), ` +
      `added p50 ${fmt(gwAdded)} ms vs noop ${fmt(noopAdded)} ms (limit ${fmt(allowedAdded)}) ` +
      `[c=${CONNS}, ${ROUNDS}×${SLICE_SEC}s slices, medians]`,
  );
  return problems.length === 0 ? 0 : 1;
}

main()
  .then(async (code) => {
    await stopAll();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.log(`bench:quick FAIL: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    process.exit(1);
  });
