/**
 * Micro-benchmark of the metrics record sink: `node --import tsx bench/metrics-sink.ts`.
 *
 * Feeds finished request records (spread over 3 routers × 3 providers × 4 models, two status
 * codes, two keys per provider, one or two attempts, every token type, a price; 5 000 distinct
 * records cycled, so they are cache-warm as a record that was just built is) into the sink and
 * prints the CPU per record: `write` alone (what the finished request pays: a queue push) and
 * the deferred counting into the tally. Then the cost of one scrape (`render`, default process
 * metrics included) at that cardinality. Single-threaded, so it measures CPU.
 */
import { compileGateway } from '../src/config/compile.js';
import { parseConfigText } from '../src/config/load.js';
import { ModelLabels } from '../src/observability/metrics/labels.js';
import { PrometheusExporter } from '../src/observability/metrics/prometheus.js';
import { RecordMetrics } from '../src/observability/metrics/record-metrics.js';
import { RequestTally } from '../src/observability/metrics/tally.js';
import type { RequestRecord } from '../src/observability/records/request-record.js';

const ROUNDS = 5;
const PER_ROUND = 200_000;

const env = { OPENAI_API_KEY: 'bench-openai-key-0123456789abcdef', ANTHROPIC_API_KEY: 'bench-anthropic-key-0123456789abcd', GEMINI_API_KEY: 'bench-gemini-key-0123456789abcdef' };
const yaml = `
routers:
  a: { load-balance: { chat: { strategy: latency, providers: [openai, anthropic, gemini] } } }
  b: { load-balance: { chat: { strategy: latency, providers: [openai, anthropic] } } }
  c: { load-balance: { chat: { strategy: latency, providers: [gemini] } } }
`;
const { config } = parseConfigText(yaml, 'bench', env);
const compiled = compileGateway(config, env, { embedded: false, source: 'bench' });

const ROUTERS = ['a', 'b', 'c'];
const PROVIDERS: [string, string[]][] = [
  ['openai', ['gpt-4o-mini', 'gpt-4o', 'made-up-model', 'gpt-4o-mini-2024-07-18']],
  ['anthropic', ['claude-haiku-4-5', 'claude-sonnet-4-5', 'made-up-model', 'claude-3-5-haiku-latest']],
  ['gemini', ['gemini-2.5-flash', 'gemini-2.5-pro', 'made-up-model', 'gemini-2.0-flash']],
];

function records(count: number): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (let i = 0; i < count; i++) {
    const [provider, models] = PROVIDERS[i % 3];
    const model = models[(i >> 2) % 4];
    const key = `env:${provider.toUpperCase()}_API_KEY …${String(1000 + (i % 2))}`;
    const failedFirst = i % 10 === 0;
    const attempt = (n: number, ok: boolean) => ({ attempt: n, provider, provider_key: key, model, status: ok ? 200 : 503, ok, error_code: ok ? null : 'server_error', error: ok ? null : 'overloaded', upstream_ms: 120 + (i % 900) });
    out.push({
      time: '2026-01-01T00:00:00.000Z',
      request_id: `req-${i}`,
      gateway_key: null,
      router: ROUTERS[i % 3],
      endpoint: 'chat',
      dialect: 'openai-chat',
      stream: i % 2 === 0,
      model_requested: model,
      provider,
      model,
      provider_key: key,
      status: i % 50 === 0 ? 429 : 200,
      outcome: i % 50 === 0 ? 'error' : 'ok',
      error_code: null,
      input_tokens: 800 + (i % 300),
      output_tokens: 200 + (i % 100),
      cached_tokens: i % 3 === 0 ? 512 : 0,
      cache_write_tokens: i % 7 === 0 ? 128 : 0,
      reasoning_tokens: i % 5 === 0 ? 64 : 0,
      incomplete: false,
      cost_usd: 0.00042,
      price_source: 'bench',
      latency_ms: 300 + (i % 20_000),
      first_byte_ms: 150 + (i % 2_000),
      overhead_ms: 0.05 + (i % 40) / 100,
      attempts: failedFirst ? [attempt(1, false), attempt(2, true)] : [attempt(1, true)],
      cache: null,
    });
  }
  return out;
}

const tally = new RequestTally(new ModelLabels(compiled));
const sink = new RecordMetrics(tally);
const exporter = new PrometheusExporter(tally, sink, compiled.health);
const distinct = records(5_000);
const batch = Array.from({ length: PER_ROUND }, (_, i) => distinct[i % distinct.length]);
const CHUNK = 5_000; // the queue holds 10 000 at most: drain between bursts, as the event loop would
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const writes: number[] = [];
const drains: number[] = [];
for (let round = 0; round < ROUNDS + 1; round++) {
  let writeMs = 0;
  let drainMs = 0;
  for (let from = 0; from < batch.length; from += CHUNK) {
    const t0 = performance.now();
    for (let i = from; i < from + CHUNK; i++) sink.write(batch[i]);
    const t1 = performance.now();
    sink.drain();
    drainMs += performance.now() - t1;
    writeMs += t1 - t0;
  }
  if (round === 0) continue; // JIT warm-up
  writes.push(writeMs);
  drains.push(drainMs);
}
const us = (ms: number): string => ((ms * 1000) / PER_ROUND).toFixed(3);
console.log(`records per round: ${PER_ROUND}, rounds: ${ROUNDS} (+1 warm-up), ${exporter.registry.getMetricsAsArray().length} metrics`);
console.log(`sink.write (queue push), per record: ${us(median(writes))} µs`);
console.log(`counting (drain into the tally), per record: ${us(median(drains))} µs`);
console.log(`total per record: ${us(median(writes) + median(drains))} µs`);

const renders: number[] = [];
let size = 0;
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  const page = await exporter.render();
  renders.push(performance.now() - t0);
  size = page.body.length;
}
const series = (await exporter.render()).body.split('\n').filter((l) => l && !l.startsWith('#')).length;
console.log(`render: ${median(renders.slice(5)).toFixed(2)} ms for ${series} samples (${(size / 1024).toFixed(0)} KiB)`);
process.exit(0);
