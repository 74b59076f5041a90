/** Log lines are batched for a few milliseconds, in order, whole, and never more than PIPE_BUF per write. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineBatcher, PIPE_BUF } from '../../src/observability/line-batcher.js';

function recorder() {
  const writes: string[] = [];
  return { writes, sink: { write: (chunk: string) => writes.push(chunk) } };
}

test('lines go out together once the flush interval has passed, in order', async () => {
  const { writes, sink } = recorder();
  const batcher = new LineBatcher(sink, 20);
  batcher.write('a\n');
  await sleep(5);
  batcher.write('b\n');
  assert.deepEqual(writes, []);
  await sleep(40);
  assert.deepEqual(writes, ['a\nb\n']);
  batcher.write('c\n');
  await sleep(40);
  assert.deepEqual(writes, ['a\nb\n', 'c\n']);
});

test('a write never exceeds PIPE_BUF bytes unless one line alone does, and lines are never split', async () => {
  const { writes, sink } = recorder();
  const batcher = new LineBatcher(sink, 5);
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) lines.push(`${'é'.repeat(i % 37)}${'x'.repeat((i * 97) % 300)} line ${i}\n`);
  const long = `${'y'.repeat(PIPE_BUF + 10)}\n`;
  lines.splice(100, 0, long);
  for (const line of lines) batcher.write(line);
  await sleep(30);
  assert.equal(writes.join(''), lines.join(''));
  assert.ok(writes.length > 1);
  for (const w of writes) {
    assert.ok(w.endsWith('\n'));
    if (w !== long) assert.ok(Buffer.byteLength(w) <= PIPE_BUF, `write of ${Buffer.byteLength(w)} bytes`);
  }
});

test('flush writes what is waiting at once (used at exit)', () => {
  const { writes, sink } = recorder();
  const batcher = new LineBatcher(sink);
  batcher.write('last words\n');
  batcher.flush();
  assert.deepEqual(writes, ['last words\n']);
  batcher.flush();
  assert.deepEqual(writes, ['last words\n']);
});
