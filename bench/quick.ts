/**
 * `npm run bench:quick`, for CI: ~25 s of gateway passthrough vs the no-op proxy (and the simulator
 * directly) at 10 connections, in alternating slices. Fails (exit 1) only on a clear regression,
 * judged by ratios within each round (median over rounds), so a slow or noisy machine does not
 * flake it:
 *   - gateway throughput below QUICK_MIN_RPS_RATIO (0.35) × the no-op proxy's, or
 *   - gateway added p50 above QUICK_MAX_P50_RATIO (4) × the no-op proxy's added p50 (the latter
 *     floored at 0.25 ms, so a near-zero floor does not make the check arbitrarily strict), or
 *   - more than 1% of gateway requests failing (or a gateway that does not answer correctly).
 * The gateway runs with the audit log and metrics off: this guards the request path, whose
 * ratio is stable; what those observers cost is measured apart (README, Performance), and a
 * gate near their current cost would flake. QUICK_OBSERVERS=1 keeps them on.
 * Knobs: QUICK_ROUNDS (4), QUICK_SLICE (1.5 s), QUICK_CONNS (10), QUICK_VERBOSE=1 (print every slice).
 */
import { buildChildScripts } from './lib/child-scripts.js';
import { installCleanup, runDriver } from './lib/children.js';
import type { SliceResult } from './lib/load.js';
import { runScenario, type TargetSummary } from './lib/scenario.js';
import { gatewayAvailable, GATEWAY_CLI, startGateway, startNoopProxy, startSimulator } from './lib/servers.js';
import { envNumber, fmt, median, parseSeconds, ratio } from './lib/stats.js';
import { openaiTarget, smoke } from './lib/targets.js';

const ROUNDS = Math.max(1, envNumber('QUICK_ROUNDS', 4));
const WARMUP_SEC = 1.5; // a fresh gateway process needs its JIT warm before the first slice
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
  const observers = process.env.QUICK_OBSERVERS === '1' ? undefined : { audit: { enabled: false }, metrics: { enabled: false } };
  const gateway = await startGateway(scripts, { name: 'gateway-quick', upstreamBaseUrl: `${sim.origin}/`, workers: 1, config: observers });

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
    { profile: 'fast', mode: 'json', connections: CONNS, targets: [direct, openaiTarget('noop', noop.origin + path), target], rounds: ROUNDS, sliceSec: SLICE_SEC, warmupSec: WARMUP_SEC },
    process.env.QUICK_VERBOSE === '1' ? (line) => console.log(line) : () => undefined,
  );

  // Judge per round (the three slices of a round ran seconds apart), then take the median:
  // drift between rounds cancels out of each ratio.
  const rpsRatios: number[] = [];
  const addedRatios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const slice = (id: string): SliceResult | undefined => scenario.slices.find((s) => s.round === round && s.target === id);
    const [d, n, g] = [slice('direct'), slice('noop'), slice('gateway')];
    if (!d || !n || !g) continue;
    rpsRatios.push(ratio(g.rps, n.rps));
    addedRatios.push((g.p50 - d.p50) / Math.max(n.p50 - d.p50, NOOP_ADDED_FLOOR_MS));
  }
  const rpsRatio = median(rpsRatios);
  const addedRatio = median(addedRatios);
  const summary = (id: string): TargetSummary | undefined => scenario.summaries.find((s) => s.target === id);
  const [directSummary, noopSummary, gw] = [summary('direct'), summary('noop'), summary('gateway')];
  const failed = gw ? gw.non2xx + gw.errors : 0;
  const failedShare = gw ? failed / Math.max(1, gw.ok + failed) : 1;

  const problems: string[] = [];
  if (!(rpsRatio >= MIN_RPS_RATIO)) problems.push(`throughput ${fmt(rpsRatio)}× noop < ${MIN_RPS_RATIO}×`);
  if (!(addedRatio <= MAX_P50_RATIO)) problems.push(`added p50 ${fmt(addedRatio)}× noop's > ${MAX_P50_RATIO}×`);
  if (failedShare > MAX_FAILED_SHARE) problems.push(`${failed} failed requests`);

  const added = (s: TargetSummary | undefined): string => fmt((s?.p50 ?? Number.NaN) - (directSummary?.p50 ?? Number.NaN));
  console.log(
    `bench:quick ${problems.length === 0 ? 'PASS' : `FAIL (${problems.join('; ')})`}: ` +
      `gateway ${fmt(gw?.rps ?? Number.NaN, 0)} req/s vs noop ${fmt(noopSummary?.rps ?? Number.NaN, 0)} → ${fmt(rpsRatio)}× (min ${MIN_RPS_RATIO}); ` +
      `added p50 ${added(gw)} ms vs noop ${added(noopSummary)} ms → ${fmt(addedRatio)}× (max ${MAX_P50_RATIO}) ` +
      `[c=${CONNS}, ${ROUNDS} rounds × ${SLICE_SEC} s, per-round ratios, medians]`,
  );
  return problems.length === 0 ? 0 : 1;
}

runDriver('bench:quick', main);
