/** Ratios between targets and the markdown report of a bench run. */
import type { ScenarioKey, ScenarioResult, TargetSummary } from './scenario.js';
import { fmt, median, ratio } from './stats.js';
import { TARGET_LABELS, type TargetId } from './targets.js';

export interface ScenarioRatios extends ScenarioKey {
  gatewayVsNoopRps: number;
  gatewayVsPortkeyRps: number;
  /** Target p50/p99 minus the direct p50/p99, in ms. */
  added: Partial<Record<TargetId, { p50: number; p99: number }>>;
  /** Gateway's added latency ÷ the no-op proxy's (p50: median of per-round ratios, as are the rps ratios; p99: pooled). */
  addedP50VsNoop: number;
  addedP99VsNoop: number;
  translatedVsPassthroughRps: number;
}

/** Below this the no-op proxy's added latency is noise, and a ratio to it would be too. */
const MIN_NOOP_ADDED_MS = 0.02;

type Slice = ScenarioResult['slices'][number];

/**
 * The median over rounds of a ratio taken within each round. The slices of one round ran seconds
 * apart, so a machine that drifts between rounds (shared hosts do, by 2× and more) cancels out of
 * each ratio instead of landing on whichever target happened to run in the quiet minute.
 */
function perRound(scenario: ScenarioResult, value: (slice: (id: TargetId) => Slice | undefined) => number): number {
  const rounds = new Map<number, Map<TargetId, Slice>>();
  for (const slice of scenario.slices) {
    let round = rounds.get(slice.round);
    if (!round) rounds.set(slice.round, (round = new Map()));
    round.set(slice.target, slice);
  }
  const values = [...rounds.values()].map((round) => value((id) => round.get(id))).filter(Number.isFinite);
  return values.length > 0 ? median(values) : Number.NaN;
}

const baselineOf = (id: TargetId): TargetId => (id === 'gateway-translate' ? 'direct-anthropic' : 'direct');

export function computeRatios(scenario: ScenarioResult): ScenarioRatios {
  const by = new Map(scenario.summaries.map((s) => [s.target, s]));
  const added: ScenarioRatios['added'] = {};
  for (const summary of scenario.summaries) {
    const base = by.get(baselineOf(summary.target));
    if (summary.target.startsWith('direct') || !base) continue;
    added[summary.target] = { p50: summary.p50 - base.p50, p99: summary.p99 - base.p99 };
  }
  const rpsRatio = (a: TargetId, b: TargetId): number => perRound(scenario, (get) => ratio(get(a)?.rps ?? Number.NaN, get(b)?.rps ?? Number.NaN));
  // p50: within each round, then the median. p99: from the pooled p99s, because one slice's p99
  // rests on a few dozen responses and a ratio of two such tails mostly measures their noise.
  const addedP50 = perRound(scenario, (get) => {
    const [direct, noop, gateway] = [get('direct'), get('noop'), get('gateway')];
    if (!direct || !noop || !gateway) return Number.NaN;
    const noopAdded = noop.p50 - direct.p50;
    return noopAdded >= MIN_NOOP_ADDED_MS ? (gateway.p50 - direct.p50) / noopAdded : Number.NaN;
  });
  const [gwAdded, noopAdded] = [added.gateway, added.noop];
  const addedP99 = gwAdded && noopAdded && noopAdded.p99 >= MIN_NOOP_ADDED_MS ? gwAdded.p99 / noopAdded.p99 : Number.NaN;
  return {
    profile: scenario.profile,
    mode: scenario.mode,
    connections: scenario.connections,
    gatewayVsNoopRps: rpsRatio('gateway', 'noop'),
    gatewayVsPortkeyRps: rpsRatio('gateway', 'portkey'),
    added,
    addedP50VsNoop: addedP50,
    addedP99VsNoop: addedP99,
    translatedVsPassthroughRps: rpsRatio('gateway-translate', 'gateway'),
  };
}

export interface ProcessMemory {
  name: string;
  idleMb: number;
  peakMb: number;
  endMb: number;
}

export interface ReportInput {
  stamp: string;
  header: string[];
  scenarios: ScenarioResult[];
  ratios: ScenarioRatios[];
  memory: ProcessMemory[];
  unavailable: string[];
  notes: string[];
}

const x = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
const ms = (value: number | undefined): string => (value === undefined ? '' : fmt(value));
const signedMs = (value: number | undefined): string => (value === undefined || !Number.isFinite(value) ? '' : `${value >= 0 ? '+' : ''}${value.toFixed(2)}`);

function resultRow(scenario: ScenarioResult, summary: TargetSummary, ratios: ScenarioRatios): string {
  const added = ratios.added[summary.target];
  const failures = summary.non2xx + summary.errors;
  return `| ${scenario.profile} | ${scenario.mode} | ${scenario.connections} | ${TARGET_LABELS[summary.target]} | ` +
    `${summary.rps.toFixed(0)} (${summary.rpsMin.toFixed(0)}–${summary.rpsMax.toFixed(0)}) | ${ms(summary.p50)} | ${ms(summary.p99)} | ` +
    `${signedMs(added?.p50)} | ${signedMs(added?.p99)} | ${failures > 0 ? `**${failures}** of ${summary.ok + failures}` : '0'} |`;
}

export function renderMarkdown(input: ReportInput): string {
  const lines = [`# Gateway benchmark ${input.stamp}`, '', ...input.header.map((h) => `- ${h}`), ''];

  if (input.ratios.length > 0) {
    lines.push('## Ratios', '', 'Throughput and p50 ratios are taken within each round (its slices ran seconds apart), then the median over rounds is shown. p99 is over every response of every round (a 3-second slice has only a few dozen responses beyond its p99), and its ratio is of those pooled figures.', '');
    lines.push('| profile | mode | c | gateway ÷ noop req/s | gateway ÷ Portkey req/s | gateway +p50 ms | noop +p50 ms | gw/noop +p50 | gateway +p99 ms | noop +p99 ms | gw/noop +p99 | translated ÷ passthrough req/s | translated +p50 ms (vs Anthropic sim) |');
    lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of input.ratios) {
      lines.push(
        `| ${r.profile} | ${r.mode} | ${r.connections} | ${x(r.gatewayVsNoopRps)} | ${x(r.gatewayVsPortkeyRps)} | ` +
          `${signedMs(r.added.gateway?.p50) || 'n/a'} | ${signedMs(r.added.noop?.p50) || 'n/a'} | ${x(r.addedP50VsNoop)} | ` +
          `${signedMs(r.added.gateway?.p99) || 'n/a'} | ${signedMs(r.added.noop?.p99) || 'n/a'} | ${x(r.addedP99VsNoop)} | ` +
          `${x(r.translatedVsPassthroughRps)} | ${signedMs(r.added['gateway-translate']?.p50) || 'n/a'} |`,
      );
    }
    lines.push('');
  }

  lines.push('## Results (req/s and p50: medians over rounds; p99: over every response of every round)', '');
  lines.push('| profile | mode | c | target | req/s (min–max) | p50 ms | p99 ms | +p50 ms | +p99 ms | failed requests |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  input.scenarios.forEach((scenario, i) => {
    for (const summary of scenario.summaries) lines.push(resultRow(scenario, summary, input.ratios[i]));
  });
  lines.push('', '`+p50`/`+p99`: target minus direct to the simulator (the translated route against the Anthropic endpoint, the rest against the OpenAI one).', '');

  lines.push('## Memory (RSS, process and its children, sampled every 200 ms)', '');
  lines.push('| process | idle MB | peak MB | end MB |', '| --- | --- | --- | --- |');
  for (const m of input.memory) lines.push(`| ${m.name} | ${fmt(m.idleMb, 1)} | ${fmt(m.peakMb, 1)} | ${fmt(m.endMb, 1)} |`);
  lines.push('');

  if (input.unavailable.length > 0) {
    lines.push('## Not measured (n/a)', '', ...input.unavailable.map((u) => `- ${u}`), '');
  }
  if (input.notes.length > 0) lines.push('## Notes', '', ...input.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
