/**
 * `npm run bench:soak`: a steady, moderate load on the gateway for DURATION (default 10m), mixing
 * passthrough and translated, non-streaming and streaming requests, while its memory is sampled:
 * RSS from /proc, heap from a preload that appends process.memoryUsage() to a file (the gateway
 * has no endpoint for it). A least-squares line through the second half (after warm-up) gives the
 * growth in MB/min; the run fails if RSS grows faster than SOAK_MAX_MB_PER_MIN (default 1).
 * The heap trend is reported alongside but not judged: the GC sawtooth makes it noisy.
 *
 * Knobs: DURATION (10m; "90s", "5m" or seconds), RATE (total req/s, 300), CONNS (total, 8),
 * SAMPLE_EVERY (5 s), SLICE (30 s of load between progress lines), SOAK_MAX_MB_PER_MIN (1).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildChildScripts } from './lib/child-scripts.js';
import { BENCH_DIR, WORK_DIR, installCleanup, runDriver, stopAll } from './lib/children.js';
import { runSlice } from './lib/load.js';
import { RssSampler } from './lib/rss.js';
import { gatewayAvailable, GATEWAY_CLI, startGateway, startSimulator } from './lib/servers.js';
import { envNumber, fmt, linearFit, parseSeconds } from './lib/stats.js';
import { ANTHROPIC_MODEL, anthropicTarget, openaiTarget, smoke, type Mode, type Target } from './lib/targets.js';

const DURATION_SEC = parseSeconds(process.env.DURATION, 600);
const RATE = Math.max(1, envNumber('RATE', 300));
const CONNS = Math.max(1, envNumber('CONNS', 8));
const SAMPLE_SEC = parseSeconds(process.env.SAMPLE_EVERY, 5);
const SLICE_SEC = parseSeconds(process.env.SLICE, 30);
const MAX_MB_PER_MIN = envNumber('SOAK_MAX_MB_PER_MIN', 1);
/** Fewer points than this in the second half and a slope says little: report, don't judge. */
const MIN_FIT_POINTS = 12;

interface Kind {
  name: string;
  target: Target;
  mode: Mode;
}

interface HeapLine {
  t: number;
  heapUsed: number;
  rss: number;
}

function mbPerMinute(points: { t: number; bytes: number }[]): number {
  const t0 = points[0]?.t ?? 0;
  const fit = linearFit(points.map((p) => (p.t - t0) / 60_000), points.map((p) => p.bytes / 2 ** 20));
  return fit.slope;
}

async function readHeap(file: string): Promise<HeapLine[]> {
  try {
    const text = await readFile(file, 'utf8');
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as HeapLine);
  } catch {
    return [];
  }
}

async function main(): Promise<number> {
  installCleanup();
  if (!(await gatewayAvailable())) {
    console.log(`bench:soak FAIL: ${GATEWAY_CLI} not found (run npm run build first)`);
    return 1;
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const heapFile = join(WORK_DIR, `soak-heap-${stamp}.jsonl`);
  const scripts = await buildChildScripts();
  const sim = await startSimulator(scripts, { chunks: 20 });
  const gateway = await startGateway(scripts, {
    name: 'gateway-soak',
    upstreamBaseUrl: `${sim.origin}/`,
    workers: 1,
    preloads: [scripts.heapProbe],
    env: { HEAP_PROBE_FILE: heapFile, HEAP_PROBE_MS: String(SAMPLE_SEC * 1000) },
  });

  const direct = openaiTarget('direct', `${sim.origin}/v1/chat/completions`);
  const directAnthropic = anthropicTarget(`${sim.origin}/v1/messages`);
  const pass = openaiTarget('gateway', `${gateway.origin}/router/pass/chat/completions`);
  const translate = openaiTarget('gateway-translate', `${gateway.origin}/router/translate/chat/completions`, ANTHROPIC_MODEL, {}, 'direct-anthropic');
  const kinds: Kind[] = [];
  for (const mode of ['json', 'stream'] as const) {
    for (const [target, reference] of [[pass, direct], [translate, directAnthropic]] as const) {
      const expected = (await smoke(reference, mode)).text;
      const check = await smoke(target, mode, expected);
      const name = `${target.id === 'gateway' ? 'passthrough' : 'translated'} ${mode}`;
      if (check.ok) kinds.push({ name, target, mode });
      else console.log(`n/a: ${name}: ${check.detail ?? 'failed'}`);
    }
  }
  if (kinds.length === 0) {
    console.log('bench:soak FAIL: no gateway route answers correctly');
    return 1;
  }

  console.log(`soak: ${DURATION_SEC} s at ${RATE} req/s over ${kinds.map((k) => k.name).join(', ')}; memory every ${SAMPLE_SEC} s`);
  const rss = new RssSampler(gateway.child.pid, SAMPLE_SEC * 1000, true).start();
  const start = Date.now();
  const perKindConns = Math.max(1, Math.round(CONNS / kinds.length));
  let ok = 0;
  let failed = 0;
  while (Date.now() - start < DURATION_SEC * 1000 && !gateway.child.exited) {
    const sliceSec = Math.min(SLICE_SEC, DURATION_SEC - (Date.now() - start) / 1000);
    if (sliceSec < 0.5) break;
    const results = await Promise.all(
      kinds.map((kind) => runSlice(kind.target.request(kind.mode), { connections: perKindConns, durationSec: sliceSec, overallRate: RATE / kinds.length, latencies: false })),
    );
    for (const r of results) {
      ok += r.ok;
      failed += r.non2xx + r.errors + r.timeouts;
    }
    console.log(`t=${((Date.now() - start) / 1000).toFixed(0)}s rss=${fmt(rss.lastKb / 1024, 1)} MB ok=${ok} failed=${failed}`);
  }
  await rss.sample();
  rss.stop();
  const elapsedSec = (Date.now() - start) / 1000;
  const died = gateway.child.exited;
  await stopAll();

  const half = start + (elapsedSec * 1000) / 2;
  const rssTail = rss.samples.filter((s) => s.t >= half).map((s) => ({ t: s.t, bytes: s.kb * 1024 }));
  const heap = await readHeap(heapFile);
  const heapTail = heap.filter((h) => h.t >= half).map((h) => ({ t: h.t, bytes: h.heapUsed }));
  const rssSlope = mbPerMinute(rssTail);
  const heapSlope = mbPerMinute(heapTail);
  const mb = (kb: number): string => fmt(kb / 1024, 1);
  const peakKb = Math.max(...rss.samples.map((s) => s.kb));

  let verdict: 'PASS' | 'FAIL' | 'INCONCLUSIVE';
  const reasons: string[] = [];
  if (died) reasons.push('the gateway exited during the soak');
  if (failed > 0.01 * (ok + failed)) reasons.push(`${failed} of ${ok + failed} requests failed`);
  if (rssTail.length >= MIN_FIT_POINTS && rssSlope > MAX_MB_PER_MIN) reasons.push(`RSS grows ${fmt(rssSlope)} MB/min > ${MAX_MB_PER_MIN}`);
  if (reasons.length > 0) verdict = 'FAIL';
  else if (rssTail.length < MIN_FIT_POINTS) verdict = 'INCONCLUSIVE';
  else verdict = 'PASS';

  const summary = [
    `bench:soak ${verdict}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`,
    `  ${fmt(elapsedSec, 0)} s, ${ok} requests ok, ${failed} failed, ${kinds.map((k) => k.name).join(' + ')} at ${RATE} req/s`,
    `  RSS MB: start ${mb(rss.firstKb)}, peak ${mb(peakKb)}, end ${mb(rss.lastKb)}; trend over second half ${fmt(rssSlope, 3)} MB/min (${rssTail.length} samples, limit ${MAX_MB_PER_MIN})`,
    `  heapUsed MB: ${heap.length > 0 ? `start ${fmt(heap[0].heapUsed / 2 ** 20, 1)}, end ${fmt(heap[heap.length - 1].heapUsed / 2 ** 20, 1)}; trend over second half ${fmt(heapSlope, 3)} MB/min (${heapTail.length} samples, informational)` : 'no samples'}`,
  ];
  if (verdict === 'INCONCLUSIVE') summary.push(`  too short to judge a trend: need ${MIN_FIT_POINTS} samples in the second half (raise DURATION or lower SAMPLE_EVERY)`);
  console.log(summary.join('\n'));

  const resultsDir = join(BENCH_DIR, 'results');
  await mkdir(resultsDir, { recursive: true });
  const base = join(resultsDir, `soak-${stamp}`);
  await writeFile(`${base}.md`, `# Gateway soak ${stamp}\n\n\`\`\`\n${summary.join('\n')}\n\`\`\`\n`);
  await writeFile(
    `${base}.json`,
    JSON.stringify({ stamp, durationSec: elapsedSec, rate: RATE, kinds: kinds.map((k) => k.name), ok, failed, verdict, reasons, rssSlopeMbPerMin: rssSlope, heapSlopeMbPerMin: heapSlope, rss: rss.samples, heap }, null, 2) + '\n',
  );
  console.log(`saved ${base}.md / .json`);
  return verdict === 'FAIL' ? 1 : 0;
}

runDriver('bench:soak', main);
