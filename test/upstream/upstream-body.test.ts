/** The upstream body hands every chunk to its one reader, in order, then exactly one ending. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectBody, UpstreamBody, type BodySource } from '../../src/upstream/upstream-body.js';

function source() {
  const calls: string[] = [];
  const src: BodySource = {
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    abort: (reason) => calls.push(`abort:${reason.message}`),
  };
  return { calls, src };
}

function recorder() {
  const events: string[] = [];
  return {
    events,
    reader: {
      data: (chunk: Buffer) => events.push(`data:${chunk.toString()}`),
      end: () => events.push('end'),
      error: (err: Error) => events.push(`error:${err.message}`),
    },
  };
}

test('what arrives before the reader is delivered to it at once, in order, ending included', () => {
  const { src } = source();
  const body = new UpstreamBody(src);
  body.push(Buffer.from('a'));
  body.push(Buffer.from('b'));
  body.finish(true);
  const { events, reader } = recorder();
  body.read(reader);
  assert.deepEqual(events, ['data:a', 'data:b', 'end']);
  body.push(Buffer.from('late'));
  body.finish(new Error('late'));
  assert.deepEqual(events, ['data:a', 'data:b', 'end']);
});

test('live chunks, then an error ends it; pause and resume reach the request until it settles', () => {
  const { calls, src } = source();
  const body = new UpstreamBody(src);
  const { events, reader } = recorder();
  body.read(reader);
  body.push(Buffer.from('x'));
  body.pause();
  body.resume();
  body.finish(new Error('reset'));
  body.pause();
  assert.deepEqual(events, ['data:x', 'error:reset']);
  assert.deepEqual(calls, ['pause', 'resume']);
  assert.throws(() => body.read(reader), /one reader/);
});

test('destroy aborts the request once and the reader hears nothing more', () => {
  const { calls, src } = source();
  const body = new UpstreamBody(src);
  const { events, reader } = recorder();
  body.push(Buffer.from('1'));
  body.push(Buffer.from('2'));
  body.read({ ...reader, data: (chunk) => (reader.data(chunk), body.destroy(new Error('enough'))) });
  body.destroy();
  body.finish(new Error('aborted by us'));
  assert.deepEqual(events, ['data:1']);
  assert.deepEqual(calls, ['abort:enough']);
});

test('collectBody joins the chunks, keeps at most the limit, and rejects on error', async () => {
  const whole = new UpstreamBody(source().src);
  const all = collectBody(whole);
  whole.push(Buffer.from('he'));
  whole.push(Buffer.from('llo'));
  whole.finish(true);
  assert.equal((await all).toString(), 'hello');

  const limited = new UpstreamBody(source().src);
  limited.push(Buffer.from('abc'));
  limited.push(Buffer.from('def'));
  limited.finish(true);
  assert.equal((await collectBody(limited, 2)).toString(), 'abc');

  const failing = new UpstreamBody(source().src);
  const rejected = collectBody(failing);
  failing.finish(new Error('socket hang up'));
  await assert.rejects(rejected, /socket hang up/);
});
