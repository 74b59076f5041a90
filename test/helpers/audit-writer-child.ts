/**
 * A process writing the audit log, for tests of what survives its end:
 *   node --import tsx audit-writer-child.ts DIR exit N     write N records, then process.exit() without close
 *   node --import tsx audit-writer-child.ts DIR close N    write N records in bursts, close, exit
 *   node --import tsx audit-writer-child.ts DIR stream R   R records/s until killed; prints each one's number
 */
import { writeSync } from 'node:fs';
import { openAuditLog } from '../../src/observability/audit/index.js';
import { quietLogger, record } from './audit-records.js';

const [dir, mode, n] = process.argv.slice(2);
const count = Number(n);
const log = await openAuditLog({ path: dir, retentionMs: 0, bodies: false }, quietLogger().logger);

if (mode === 'exit') {
  for (let i = 1; i <= count; i++) log.write(record({ request_id: `${process.pid}-${i}` }));
  process.exit(0);
} else if (mode === 'close') {
  for (let i = 1; i <= count; i++) {
    log.write(record({ request_id: `${process.pid}-${i}` }));
    if (i % 100 === 0) await new Promise((r) => setImmediate(r));
  }
  await log.close();
  process.stdout.write(JSON.stringify(log.stats()) + '\n');
} else if (mode === 'stream') {
  // Records finish at a steady rate, as requests do; each one's number is printed once written
  // to the log's queue, so the parent knows how many the process had accepted when killed.
  let i = 0;
  const perMs = count / 1000;
  const started = performance.now();
  writeSync(1, 'ready\n');
  setInterval(() => {
    const due = Math.floor((performance.now() - started) * perMs);
    while (i < due) {
      i++;
      log.write(record({ request_id: `seq-${i}` }));
    }
    writeSync(1, `${i}\n`);
  }, 1);
}
