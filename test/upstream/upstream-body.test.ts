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

test('collectBody with tooLarge: refuses the body as soon as it passes the limit, and aborts it', async () => {
  const { calls, src } = source();
  const big = new UpstreamBody(src);
  const collected = collectBody(big, 5, () => new Error('over the limit'));
  big.push(Buffer.from('abc'));
  big.push(Buffer.from('def'));
  big.push(Buffer.from('never kept'));
  big.finish(true);
  await assert.rejects(collected, /over the limit/);
  assert.deepEqual(calls, ['abort:over the limit']);

  const fits = new UpstreamBody(source().src);
  const exact = collectBody(fits, 6, () => new Error('over the limit'));
  fits.push(Buffer.from('abc'));
  fits.push(Buffer.from('def'));
  fits.finish(true);
  assert.equal((await exact).toString(), 'abcdef');
});

test('a filter sees every chunk, early ones included, and what it held back comes before the end', () => {
  const body = new UpstreamBody(source().src);
  body.push(Buffer.from('ab'));
  let held = '';
  body.filter({
    // Holds back the last byte of each chunk: the next write (or end) releases it.
    write(chunk) {
      const out = held + chunk.toString().toUpperCase();
      held = out.slice(-1);
      return Buffer.from(out.slice(0, -1));
    },
    end: () => Buffer.from(held),
  });
  const { events, reader } = recorder();
  body.read(reader);
  body.push(Buffer.from('c'));
  body.push(Buffer.from('de'));
  body.finish(true);
  assert.deepEqual(events, ['data:A', 'data:B', 'data:CD', 'data:E', 'end']);
  assert.throws(() => body.filter({ write: (c) => c, end: () => undefined }), /before the reader/);
});
