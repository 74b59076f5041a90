/** Log lines are batched per event-loop turn, in order, whole, and never more than PIPE_BUF per write. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { LineBatcher, PIPE_BUF } from '../../src/observability/line-batcher.js';

function recorder() {
  const writes: string[] = [];
  return { writes, sink: { write: (chunk: string) => writes.push(chunk) } };
}

test('lines of one turn go out in one write on the next turn, in order', async () => {
  const { writes, sink } = recorder();
  const batcher = new LineBatcher(sink);
  batcher.write('a\n');
  batcher.write('b\n');
  assert.deepEqual(writes, []);
  await turn();
  assert.deepEqual(writes, ['a\nb\n']);
  batcher.write('c\n');
  await turn();
  assert.deepEqual(writes, ['a\nb\n', 'c\n']);
});

test('a write never exceeds PIPE_BUF bytes unless one line alone does, and lines are never split', async () => {
  const { writes, sink } = recorder();
  const batcher = new LineBatcher(sink);
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) lines.push(`${'é'.repeat(i % 37)}${'x'.repeat((i * 97) % 300)} line ${i}\n`);
  const long = `${'y'.repeat(PIPE_BUF + 10)}\n`;
  lines.splice(100, 0, long);
  for (const line of lines) batcher.write(line);
  await turn();
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
