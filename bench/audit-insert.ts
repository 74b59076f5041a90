/**
 * The audit log's write side, in process: what `write()` costs on the request path, how many
 * records per second a flush stores (one transaction per batch of BATCH_ROWS, every index and an
 * attempt row each), and how long one batch holds the event loop.
 *   node --import tsx bench/audit-insert.ts [records=50000] [prefill=0] [ids=ordered|uuid]
 * `prefill` rows are written first (a table that has been in use); `uuid` gives every record a
 * random v4 request id, as the gateway makes them today: once the table is large, their unique
 * index costs about as much as the rest of the row (~21 µs of CPU a record after 300k rows,
 * against ~13 with time-ordered ids).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_ROWS, QUEUE_MAX } from '../src/observability/audit/audit-log.js';
import { openAuditLog } from '../src/observability/audit/index.js';
import { quietLogger, record } from '../test/helpers/audit-records.js';

const total = Number(process.argv[2] ?? 50_000);
const prefill = Number(process.argv[3] ?? 0);
const uuid = process.argv[4] === 'uuid';
const dir = await mkdtemp(join(tmpdir(), 'ai-gateway-audit-bench-'));
const log = await openAuditLog({ path: join(dir, 'data'), retentionMs: 0, bodies: false }, quietLogger().logger);
const records = Array.from({ length: total }, () => record(uuid ? { request_id: randomUUID() } : {}));
for (let i = 0; i < prefill; i += 10_000) {
  for (let j = 0; j < Math.min(10_000, prefill - i); j++) log.write(record(uuid ? { request_id: randomUUID() } : {}));
  await log.flush();
}

// Warm-up: the JIT and SQLite's page cache.
for (const r of records.slice(0, 2_000)) log.write({ ...r, request_id: `warm-${r.request_id}` });
await log.flush();

// write(): the request path's cost (the queue is bounded, so in rounds below QUEUE_MAX).
const CHUNK = Math.min(10_000, QUEUE_MAX);
let writeNs = Infinity;
const stalls: number[] = [];
const cpuStart = process.cpuUsage();
const wallStart = process.hrtime.bigint();
for (let i = 0; i < total; i += CHUNK) {
  const chunk = records.slice(i, i + CHUNK);
  const t = process.hrtime.bigint();
  for (const r of chunk) log.write(r);
  writeNs = Math.min(writeNs, Number(process.hrtime.bigint() - t) / chunk.length);
  // A full queue flushes one batch per turn of the event loop (setImmediate): time each turn.
  while (log.stats().queued > 0) {
    const turn = process.hrtime.bigint();
    await new Promise((r) => setImmediate(r));
    stalls.push(Number(process.hrtime.bigint() - turn) / 1e6);
  }
}
const wallS = Number(process.hrtime.bigint() - wallStart) / 1e9;
const cpu = process.cpuUsage(cpuStart);
const cpuUs = (cpu.user + cpu.system) / total;
stalls.sort((a, b) => a - b);
console.log(`write(): ${writeNs.toFixed(0)} ns per record (best chunk of ${CHUNK})`);
console.log(`insert: ${Math.round(total / wallS).toLocaleString('en-US')} records/s wall clock, ${cpuUs.toFixed(1)} µs of CPU per record (${Math.round(1e6 / cpuUs).toLocaleString('en-US')} records per CPU-second); ${total} records after ${prefill}, ${uuid ? 'random' : 'time-ordered'} ids, ${BATCH_ROWS} per transaction, 1 attempt each`);
console.log(`one batch of ${BATCH_ROWS} holds the event loop: median ${stalls[Math.floor(stalls.length / 2)]?.toFixed(2)} ms, p99 ${stalls[Math.floor(stalls.length * 0.99)]?.toFixed(2)} ms`);
console.log(log.stats());
await log.close();
await rm(dir, { recursive: true, force: true });
