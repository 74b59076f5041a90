/**
 * One scenario (latency profile × mode × connections) over several targets. Targets take turns in
 * short slices, round after round, each round starting with a different target, so slow drift of
 * a shared, noisy machine lands on every target alike. req/s and p50 are medians over rounds;
 * p99 is taken over every response of every round.
 */
import { runSlice, type SliceResult } from './load.js';
import { median, percentileSorted } from './stats.js';
import { TARGET_LABELS, type Mode, type Target, type TargetId } from './targets.js';

export interface ScenarioKey {
  profile: string;
  mode: Mode;
  connections: number;
}

export interface TargetSummary {
  target: TargetId;
  rounds: number;
  rps: number;
  rpsMin: number;
  rpsMax: number;
  /** Median over rounds of each slice's p50. */
  p50: number;
  /** Over every response of every round (a slice's own p99 rests on a few dozen responses). */
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
}

export interface ScenarioResult extends ScenarioKey {
  slices: (SliceResult & { target: TargetId; round: number })[];
  summaries: TargetSummary[];
}

export interface ScenarioPlan extends ScenarioKey {
  targets: Target[];
  rounds: number;
  sliceSec: number;
  warmupSec: number;
}

/** All rounds' latencies of one target, sorted: a p99 over thousands of responses, not ~30. */
function pooled(latencies: Float64Array[]): Float64Array {
  const all = new Float64Array(latencies.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const l of latencies) {
    all.set(l, at);
    at += l.length;
  }
  return all.sort();
}

function summarize(target: TargetId, slices: SliceResult[], latencies: Float64Array[]): TargetSummary {
  const rps = slices.map((s) => s.rps);
  const all = pooled(latencies);
  return {
    target,
    rounds: slices.length,
    rps: median(rps),
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    p50: median(slices.map((s) => s.p50)),
    p99: all.length > 0 ? percentileSorted(all, 99) : median(slices.map((s) => s.p99)),
    ok: slices.reduce((sum, s) => sum + s.ok, 0),
    non2xx: slices.reduce((sum, s) => sum + s.non2xx, 0),
    errors: slices.reduce((sum, s) => sum + s.errors + s.timeouts, 0),
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export async function runScenario(plan: ScenarioPlan, log: (line: string) => void): Promise<ScenarioResult> {
  const { profile, mode, connections } = plan;
  const tag = `[${profile} ${mode} c=${connections}]`;
  if (plan.warmupSec > 0) {
    for (const target of plan.targets) {
      await runSlice(target.request(mode), { connections, durationSec: plan.warmupSec, latencies: false });
    }
  }
  const slices: ScenarioResult['slices'] = [];
  const latencies = new Map<TargetId, Float64Array[]>(plan.targets.map((t) => [t.id, []]));
  for (let round = 0; round < plan.rounds; round++) {
    for (const target of rotate(plan.targets, round)) {
      const { latencies: sliceLatencies, ...result } = await runSlice(target.request(mode), { connections, durationSec: plan.sliceSec });
      if (sliceLatencies) latencies.get(target.id)?.push(sliceLatencies);
      slices.push({ ...result, target: target.id, round });
      const failures = result.non2xx + result.errors + result.timeouts;
      log(
        `${tag} round ${round + 1}/${plan.rounds} ${TARGET_LABELS[target.id].padEnd(22)} ${result.rps.toFixed(0).padStart(6)} req/s` +
          `  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms${failures > 0 ? `  FAILED ${failures}` : ''}`,
      );
    }
  }
  const summaries = plan.targets.map((target) => summarize(target.id, slices.filter((s) => s.target === target.id), latencies.get(target.id) ?? []));
  return { profile, mode, connections, slices, summaries };
}
