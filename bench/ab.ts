/**
 * `node --import tsx bench/ab.ts BASE_CLI`: this build's dist/cli.js against another build's
 * (e.g. a worktree of an earlier commit, built), passthrough at AB_CONNS (50) connections on the
 * fast profile, in alternating slices with the no-op proxy as the floor. Prints each round and the
 * median per-round ratio new ÷ base, for throughput and added p50.
 * Knobs: AB_ROUNDS (8), AB_SLICE (3 s), AB_CONNS (50), AB_MODE (json | stream), AB_NEW_FLAGS and
 * AB_BASE_FLAGS (node flags for either side, space-separated; default none), AB_NEW_CONFIG and
 * AB_BASE_CONFIG (more top-level config for either side, as JSON — e.g. the same build with
 * `{"audit":{"enabled":false},"metrics":{"enabled":false}}` as the base, to price a feature).
 */
import { buildChildScripts } from './lib/child-scripts.js';
import { installCleanup, runDriver } from './lib/children.js';
import { runScenario } from './lib/scenario.js';
import { startGateway, startNoopProxy, startSimulator } from './lib/servers.js';
import { envNumber, fmt, median, parseSeconds, ratio } from './lib/stats.js';
import { openaiTarget, type Mode } from './lib/targets.js';

async function main(): Promise<number> {
  installCleanup();
  const baseCli = process.argv[2];
  if (!baseCli) {
    console.log('usage: node --import tsx bench/ab.ts BASE_CLI (path to another build\'s dist/cli.js)');
    return 1;
  }
  const rounds = Math.max(1, envNumber('AB_ROUNDS', 8));
  const mode: Mode = process.env.AB_MODE === 'stream' ? 'stream' : 'json';
  const scripts = await buildChildScripts();
  const sim = await startSimulator(scripts, { chunks: 20 });
  const noop = await startNoopProxy(scripts, sim.origin);
  const upstreamBaseUrl = `${sim.origin}/`;
  const flags = (name: string): string[] => (process.env[name] ?? '').split(' ').filter((f) => f !== '');
  const config = (name: string): Record<string, unknown> | undefined => (process.env[name] ? (JSON.parse(process.env[name] as string) as Record<string, unknown>) : undefined);
  const now = await startGateway(scripts, { name: 'gateway-ab-new', upstreamBaseUrl, workers: 1, nodeFlags: flags('AB_NEW_FLAGS'), config: config('AB_NEW_CONFIG') });
  const base = await startGateway(scripts, { name: 'gateway-ab-base', upstreamBaseUrl, workers: 1, cli: baseCli, nodeFlags: flags('AB_BASE_FLAGS'), config: config('AB_BASE_CONFIG') });
  const path = '/v1/chat/completions';
  const route = '/router/pass/chat/completions';
  const scenario = await runScenario(
    {
      profile: 'fast',
      mode,
      connections: Math.max(1, envNumber('AB_CONNS', 50)),
      targets: [openaiTarget('direct', sim.origin + path), openaiTarget('noop', noop.origin + path), openaiTarget('gateway', now.origin + route), openaiTarget('gateway-base', base.origin + route)],
      rounds,
      sliceSec: parseSeconds(process.env.AB_SLICE, 3),
      warmupSec: 1.5,
    },
    (line) => console.log(line),
  );
  const rps: number[] = [];
  const p50: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const at = (id: string) => scenario.slices.find((s) => s.round === round && s.target === id);
    const [d, n, b] = [at('direct'), at('gateway'), at('gateway-base')];
    if (!d || !n || !b) continue;
    rps.push(ratio(n.rps, b.rps));
    p50.push((n.p50 - d.p50) / (b.p50 - d.p50));
  }
  console.log(`ab (${mode}): new ÷ base throughput ${fmt(median(rps))}× (rounds: ${rps.map((r) => fmt(r)).join(', ')}); added p50 ${fmt(median(p50))}×`);
  return 0;
}

runDriver('bench:ab', main);
