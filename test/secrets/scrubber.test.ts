/** The credential scrubber: whole keys and any 16-byte run of one, in buffers, streams and headers. */
import assert from 'node:assert/strict';
import { validateHeaderValue } from 'node:http';
import { test } from 'node:test';
import { MIN_RUN, redactionMarker, Scrubber } from '../../src/secrets/scrubber.js';

const KEY = 'test-openai-fake-key-Zx81aQ7mK2pLw9Rt4Vb6Nc3Hy5Jd0Ue8Fg1Si7Ok2Ml4Qabcd';
const AWS_SECRET = 'test-fake-aws-secret/K7MDENG/bPxRfiFAKEK';

/** Every window of MIN_RUN characters of `secret` that occurs in `text`. */
function leakedRuns(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + MIN_RUN <= secret.length; i++) {
    const run = secret.slice(i, i + MIN_RUN);
    if (text.includes(run)) found.push(run);
  }
  return found;
}

function streamed(scrubber: Scrubber, chunks: string[]): { out: string; writes: string[] } {
  const stream = scrubber.stream();
  const writes = chunks.map((c) => stream.write(Buffer.from(c)).toString());
  const out = writes.join('') + (stream.end()?.toString() ?? '');
  return { out, writes };
}

/** A deterministic random source (the same cases on every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('with no secrets the scrubber is inactive and hands back the very same buffer', () => {
  const scrubber = new Scrubber([]);
  assert.equal(scrubber.active, false);
  const buf = Buffer.from('anything at all');
  assert.equal(scrubber.scrubBuffer(buf), buf);
  const headers = { 'x-a': 'b' };
  scrubber.scrubHeaders(headers);
  assert.deepEqual(headers, { 'x-a': 'b' });
});

test('a clean buffer is returned as it is: no copy on the common path', () => {
  const scrubber = new Scrubber([KEY]);
  const buf = Buffer.from('{"id":"chatcmpl-1","choices":[{"delta":{"content":"sk-proj is a prefix"}}]}\n\n');
  assert.equal(scrubber.scrubBuffer(buf), buf);
});

test('the whole key becomes a marker of the same length naming its fingerprint', () => {
  const scrubber = new Scrubber([KEY]);
  const text = `{"error":{"message":"Incorrect API key provided: ${KEY}."}}`;
  const out = scrubber.scrubText(text);
  assert.equal(out.length, text.length);
  assert.deepEqual(leakedRuns(out, KEY), []);
  assert.match(out, /Incorrect API key provided: \[redacted \*+\.\.\.abcd\]\."\}\}$/);
  assert.doesNotThrow(() => JSON.parse(out));
});

test('every run of 16 or more characters of the key is redacted, wherever it starts; 15 are left', () => {
  const scrubber = new Scrubber([KEY]);
  for (let start = 0; start + MIN_RUN <= KEY.length; start++) {
    for (let end = start + MIN_RUN; end <= KEY.length; end++) {
      const text = `<${KEY.slice(start, end)}>`;
      const out = scrubber.scrubText(text);
      assert.deepEqual(leakedRuns(out, KEY), [], `run ${start}..${end}`);
      assert.equal(out.length, text.length);
      assert.ok(out.startsWith('<[redacted') && out.endsWith(']>'), out);
    }
  }
  const fifteen = `<${KEY.slice(7, 22)}>`;
  assert.equal(scrubber.scrubText(fifteen), fifteen);
});

test('markers: exact length, ASCII, the fingerprint when there is room', () => {
  for (let n = 1; n <= 80; n++) {
    const m = redactionMarker(n, 'abcd');
    assert.equal(m.length, n);
    assert.match(m, /^[\x20-\x7e]*$/);
    if (n >= 15) assert.ok(m.includes('abcd'), m);
  }
  assert.equal(redactionMarker(18, 'abcd'), '[redacted ...abcd]');
  assert.equal(redactionMarker(12, ''), '[redacted**]');
});

test('a secret of 8 to 15 characters is redacted only whole; shorter ones are not looked for', () => {
  const scrubber = new Scrubber(['k-openai-0000', 'short']);
  assert.equal(scrubber.scrubText('key k-openai-0000!'), 'key [redacted***]!');
  assert.equal(scrubber.scrubText('k-openai-000 and short'), 'k-openai-000 and short');
  assert.equal(new Scrubber(['short']).active, false);
  const headers = { 'x-echo': 'Bearer k-openai-0000', 'x-other': 'k-openai-000' };
  scrubber.scrubHeaders(headers);
  assert.deepEqual(headers, { 'x-echo': 'Bearer [redacted***]', 'x-other': 'k-openai-000' });
});

test('AWS credentials: the secret raw, percent-encoded and with JSON-escaped slashes', () => {
  const scrubber = new Scrubber([AWS_SECRET, 'TESTFAKEACCESSKEY001']);
  for (const form of [AWS_SECRET, encodeURIComponent(AWS_SECRET), AWS_SECRET.replaceAll('/', '\\/')]) {
    const out = scrubber.scrubText(`{"echo":"${form}","id":"TESTFAKEACCESSKEY001"}`);
    assert.deepEqual(leakedRuns(out, AWS_SECRET), []);
    assert.deepEqual(leakedRuns(decodeURIComponent(out.replaceAll('\\/', '/')), AWS_SECRET), [], out);
    assert.ok(!out.includes('TESTFAKEACCESSKE'), out);
  }
});

test('a stream: a key split across two chunks at any point is redacted, length kept', () => {
  const scrubber = new Scrubber([KEY]);
  for (const piece of [KEY, KEY.slice(3, 23)]) {
    const body = `data: {"error":{"message":"bad key ${piece} given"}}\n\n`;
    for (let cut = 1; cut < body.length; cut++) {
      const { out } = streamed(scrubber, [body.slice(0, cut), body.slice(cut)]);
      assert.deepEqual(leakedRuns(out, KEY), [], `cut at ${cut}`);
      assert.equal(out.length, body.length);
    }
  }
});

test('a stream: a key written a byte at a time is still redacted', () => {
  const scrubber = new Scrubber([KEY]);
  const body = `x${KEY}y`;
  const { out } = streamed(scrubber, [...body]);
  assert.deepEqual(leakedRuns(out, KEY), []);
  assert.equal(out.length, body.length);
});

test('a stream: a chunk that ends an SSE event is passed on whole, nothing held back', () => {
  const scrubber = new Scrubber([KEY]);
  const stream = scrubber.stream();
  const event = 'data: {"choices":[{"delta":{"content":"Hello"}}]}\n\n';
  assert.equal(stream.write(Buffer.from(event)).toString(), event);
  // Text ending in characters no key has is not held either.
  assert.equal(stream.write(Buffer.from('plain words, then }')).toString(), 'plain words, then }');
  assert.equal(stream.end(), undefined);
});

test('a stream: only a chunk end that is a piece of a key is held, and it comes out next', () => {
  const scrubber = new Scrubber([KEY]);
  const stream = scrubber.stream();
  assert.equal(stream.write(Buffer.from(`"${KEY.slice(0, 10)}`)).toString(), '"');
  assert.equal(stream.write(Buffer.from('"}')).toString(), `${KEY.slice(0, 10)}"}`);
  assert.equal(stream.write(Buffer.from('tail Zx81')).toString(), 'tail ');
  assert.equal(stream.end()?.toString(), 'Zx81');
});

test('headers: values redacted in place and still valid', () => {
  const scrubber = new Scrubber([KEY]);
  const headers: Record<string, string | string[]> = {
    'x-request-id': 'req_1',
    'x-echo': `Bearer ${KEY}`,
    'set-cookie': ['a=1', `k=${KEY.slice(5, 30)}`],
  };
  scrubber.scrubHeaders(headers);
  assert.equal(headers['x-request-id'], 'req_1');
  assert.deepEqual(leakedRuns(JSON.stringify(headers), KEY), []);
  assert.match(headers['x-echo'] as string, /^Bearer \[redacted \*+\.\.\.abcd\]$/);
  for (const value of Object.values(headers).flat()) assert.doesNotThrow(() => validateHeaderValue('x', value));
  assert.equal(Object.keys(headers).length, 3);
});

test('fuzz: random text, key pieces at random places, random chunking — no run of 16 gets out', () => {
  const keys = [KEY, AWS_SECRET, 'TESTFAKESESSIONID001', 'test-fake-session-token-EJr//////////wEaDPJmmO5fTdO6ncpX6yLBAcdGx8Yyt0Ye1yg'];
  const scrubber = new Scrubber(keys);
  const next = random(42);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/+= {}":,\n';
  for (let round = 0; round < 400; round++) {
    let text = '';
    while (text.length < 600) {
      if (next() < 0.15) {
        const key = keys[Math.floor(next() * keys.length)]!;
        const start = Math.floor(next() * (key.length - MIN_RUN));
        text += key.slice(start, start + MIN_RUN + Math.floor(next() * (key.length - start - MIN_RUN + 1)));
      } else text += alphabet[Math.floor(next() * alphabet.length)];
    }
    const chunks: string[] = [];
    for (let at = 0; at < text.length; ) {
      const size = 1 + Math.floor(next() * 40);
      chunks.push(text.slice(at, at + size));
      at += size;
    }
    const { out } = streamed(scrubber, chunks);
    assert.equal(out.length, text.length);
    for (const key of keys) assert.deepEqual(leakedRuns(out, key), [], `round ${round}`);
  }
});
