/**
 * The V8 flags the gateway runs with, however it is started.
 *
 * Each was measured under load (README, Performance). A proxy's heap is mostly short-lived
 * request objects over a small live set (~11–15 MB); V8's defaults, tuned for large
 * applications, reserve memory it never uses:
 * - `--max-semi-space-size=4`: a young generation of 2 × 4 MB instead of 2 × 16 (interleaved A/B:
 *   ~15 MB less resident from 16 to 8, ~9 MB more from 8 to 4), throughput within the noise;
 * - `--heap-growing-percent=20`: after a full GC the old generation may grow by 20% (at least
 *   8 MB) before the next one, not up to 4× — under steady load the old space levels off at
 *   ~19 MB instead of creeping towards ~45 MB, and a full GC every ~20 s costs next to nothing;
 * - `--liftoff-only`: undici parses HTTP with a WebAssembly build of llhttp, and V8's optimising
 *   WebAssembly tier compiles it with ~30 MB of transient memory during the first requests; the
 *   baseline (Liftoff) code parses as fast here, so the spike is simply not paid.
 *
 * `npm start` and the bench pass them on node's command line, and cluster workers get them in
 * their execArgv. A plain `node dist/cli.js` or the installed bin (`#!/usr/bin/env node`: BusyBox's
 * `env` has no `-S`, so a shebang cannot carry flags) applies the missing ones at startup, in
 * process — no second process, whose ~44 MB would cost more than the flags save:
 * - `--liftoff-only` and `--heap-growing-percent` are read when used (at WebAssembly compile time,
 *   at each heap-limit computation), so setting them before the first request is the same as
 *   giving them on the command line;
 * - the semi-space limit is fixed when the heap is created, so it is enforced instead: the young
 *   generation only grows at a GC, and after each GC the growth factor is set to 1 once it has
 *   reached the limit (2 otherwise). A test checks the young generation stays within the limit.
 */
import { setFlagsFromString, getHeapSpaceStatistics } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';

export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=20', '--liftoff-only'] as const;

export interface NodeFlagsReport {
  /** Flags node was started with (its command line or NODE_OPTIONS). */
  commandLine: string[];
  /** Flags the gateway applied itself at startup. */
  atStartup: string[];
}

const flagName = (flag: string): string => flag.split('=')[0]!;

/** Our flags that `node` was not started with; a user's own value for one of them is kept. */
export function missingNodeFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = new Set([...execArgv, ...(nodeOptions ?? '').split(/\s+/)].map(flagName));
  return GATEWAY_NODE_FLAGS.filter((flag) => !given.has(flagName(flag)));
}

/** What cluster workers are started with: the primary's own flags plus ours. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions?: string): string[] {
  return [...execArgv, ...missingNodeFlags(execArgv, nodeOptions)];
}

function newSpaceBytes(): number {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_size;
  return 0;
}

/** Keeps the young generation (two semi-spaces) at or below 2 × `semiSpaceMb`. */
function capSemiSpace(semiSpaceMb: number): void {
  const limit = 2 * semiSpaceMb * 1024 * 1024;
  let growing = true;
  // One callback per batch of GCs (a few a second under load): next to nothing.
  new PerformanceObserver(() => {
    const atLimit = newSpaceBytes() >= limit;
    if (atLimit !== growing) return;
    growing = !atLimit;
    setFlagsFromString(`--semi-space-growth-factor=${atLimit ? 1 : 2}`);
  }).observe({ entryTypes: ['gc'] });
}

/** Applies, in this process, each of our flags node was not started with. */
export function applyNodeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS): NodeFlagsReport {
  const missing = missingNodeFlags(execArgv, nodeOptions);
  for (const flag of missing) {
    if (flagName(flag) === '--max-semi-space-size') capSemiSpace(Number(flag.split('=')[1]));
    else setFlagsFromString(flag);
  }
  const ours = new Set(GATEWAY_NODE_FLAGS.map(flagName));
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].filter((flag) => ours.has(flagName(flag)));
  return { commandLine: given, atStartup: missing };
}
