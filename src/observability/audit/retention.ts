/**
 * Retention: records older than the cutoff are deleted in chunks of PURGE_CHUNK requests (with
 * their attempts), one short transaction each (~4 µs a record: about 1 ms) and a turn of the
 * event loop between, so a month of expired records never holds up requests or the other
 * workers' writes for long.
 */
import type { Database } from '../../storage/database.js';

const PURGE_CHUNK = 250;

export async function purgeExpired(db: Database, cutoffMs: number, stopped: () => boolean): Promise<number> {
  const expired = db.prepare('SELECT id FROM requests WHERE time_ms < ? ORDER BY time_ms LIMIT ?').pluck();
  const deleteAttempts = db.prepare('DELETE FROM attempts WHERE request_row = ?');
  const deleteRequest = db.prepare('DELETE FROM requests WHERE id = ?');
  const deleteChunk = db.transaction((ids: number[]) => {
    for (const id of ids) {
      deleteAttempts.run(id);
      deleteRequest.run(id);
    }
  });
  let total = 0;
  while (!stopped()) {
    const ids = expired.all(cutoffMs, PURGE_CHUNK) as number[];
    if (ids.length === 0) break;
    deleteChunk(ids);
    total += ids.length;
    if (ids.length < PURGE_CHUNK) break;
    await new Promise((r) => setImmediate(r));
  }
  return total;
}
