/** Route timeouts: streams wait a minute for a first byte by default, non-streamed answers the whole timeout. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTimeouts } from '../../src/core/route-timeouts.js';

test('defaults: connect 10s, stream first byte 60s, non-streaming first byte = timeout (15m)', () => {
  const t = resolveTimeouts({});
  assert.deepEqual([t.connectMs, t.streamFirstByteMs, t.firstByteMs, t.totalMs], [10_000, 60_000, 900_000, 900_000]);
  assert.deepEqual(t.upstreamStream, { connectMs: 10_000, firstByteMs: 60_000, totalMs: 900_000 });
  assert.deepEqual(t.upstream, { connectMs: 10_000, firstByteMs: 900_000, totalMs: 900_000 });
});

test('stream-first-byte-timeout is set globally or per router, and never exceeds first-byte-timeout or timeout', () => {
  assert.equal(resolveTimeouts({ 'stream-first-byte-timeout': 5_000 }).streamFirstByteMs, 5_000);
  assert.equal(resolveTimeouts({ 'stream-first-byte-timeout': 5_000 }, { 'stream-first-byte-timeout': 2_000 }).streamFirstByteMs, 2_000);
  assert.equal(resolveTimeouts({ 'first-byte-timeout': 20_000 }).streamFirstByteMs, 20_000);
  assert.equal(resolveTimeouts({ timeout: 30_000 }).streamFirstByteMs, 30_000);
  assert.equal(resolveTimeouts({ 'stream-first-byte-timeout': 120_000 }).streamFirstByteMs, 120_000);
});
