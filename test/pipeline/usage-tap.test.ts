/**
 * The usage tap on relayed bytes: usage read from real recorded streams and bodies however the
 * bytes are split into reads, the usage event cut out (and nothing else) when the client did not
 * ask for it, and the stream otherwise left byte for byte as it came.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { UsageTap, type UsageTapOptions } from '../../src/pipeline/egress/usage-tap.js';

const lines = (path: string): string[] =>
  readFileSync(new URL(`../fixtures/recorded/${path}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

const OPENAI = lines('openai/openai-text.chunks.txt');
const openaiSse = (events: string[]): string => events.map((l) => `data: ${l}\n\n`).join('') + 'data: [DONE]\n\n';
const ANTHROPIC = lines('anthropic/anthropic-text.chunks.txt');
const anthropicSse = ANTHROPIC.map((l) => `event: ${(JSON.parse(l) as { type: string }).type}\ndata: ${l}\n\n`).join('');

/** Feeds `text` to a tap in reads of `size` bytes (or at the given offsets); returns what it let through. */
function run(options: UsageTapOptions, text: string, cuts: number[]): { out: string; tap: UsageTap } {
  const tap = new UsageTap(options);
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut <= from) continue;
    out.push(tap.pass(bytes.subarray(from, cut)));
    from = cut;
  }
  // Decoded once: a read may end inside a multi-byte character.
  return { out: Buffer.concat(out).toString(), tap };
}

const every = (n: number, length: number): number[] => Array.from({ length: Math.ceil(length / n) }, (_, i) => i * n);

describe('usage tap', () => {
  const stream = openaiSse(OPENAI);
  const withoutUsage = openaiSse(OPENAI.slice(0, -1));
  const expected = { prompt_tokens: 16, completion_tokens: 300, total_tokens: 316, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };

  test('an OpenAI stream whose client asked for usage passes byte for byte, usage read, at every split', () => {
    for (const size of [stream.length, 4096, 97, 7, 1]) {
      const { out, tap } = run({ family: 'openai', stream: true, dropUsageEvent: false }, stream, every(size, Buffer.byteLength(stream)));
      assert.equal(out, stream, `reads of ${size}`);
      assert.deepEqual(tap.usage(), expected, `reads of ${size}`);
    }
  });

  test('the usage event is cut out, and only it, when the client did not ask — at any split of one read into two', () => {
    const bytes = Buffer.byteLength(stream);
    // Every split around the usage event and the end, a sample elsewhere.
    const cuts = [...every(997, bytes - 700), ...Array.from({ length: 700 }, (_, i) => bytes - 700 + i)].filter((c) => c > 0);
    for (const cut of cuts) {
      const { out, tap } = run({ family: 'openai', stream: true, dropUsageEvent: true }, stream, [cut]);
      const raw = Buffer.from(stream);
      const usageKey = raw.indexOf('"usage":{');
      const usageEventStart = raw.lastIndexOf('data: {', usageKey);
      // A read boundary inside the usage event's first bytes leaves the event in (never a broken stream).
      if (out !== withoutUsage) {
        assert.equal(out, stream, `split at ${cut}`);
        assert.ok(cut > usageEventStart && cut < usageKey + 9, `only a split inside the event's head may leave it in (at ${cut})`);
      }
      assert.deepEqual(tap.usage(), expected, `split at ${cut}`);
    }
    const { out } = run({ family: 'openai', stream: true, dropUsageEvent: true }, stream, every(4096, Buffer.byteLength(stream)));
    assert.equal(out, withoutUsage);
  });

  test('Anthropic: message_start and message_delta usage merged, cache tokens counted in', () => {
    for (const size of [anthropicSse.length, 50, 3]) {
      const { out, tap } = run({ family: 'anthropic', stream: true, dropUsageEvent: false }, anthropicSse, every(size, Buffer.byteLength(anthropicSse)));
      assert.equal(out, anthropicSse);
      const usage = tap.usage();
      assert.equal(usage?.prompt_tokens, 12);
      assert.ok((usage?.completion_tokens ?? 0) > 1, 'the final output count from message_delta, not message_start’s 1');
    }
  });

  test('a JSON body: the usage object found however the body is split; Responses usage read', () => {
    const body = JSON.stringify({ id: 'resp_1', output: [{ type: 'message', content: [{ type: 'output_text', text: 'a "usage":{ look-alike inside text' }] }], usage: { input_tokens: 30, input_tokens_details: { cached_tokens: 10 }, output_tokens: 8, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 38 } });
    for (const size of [body.length, 10, 1]) {
      const { out, tap } = run({ family: 'openai', stream: false, dropUsageEvent: false }, body, every(size, Buffer.byteLength(body)));
      assert.equal(out, body);
      assert.deepEqual(tap.usage(), { prompt_tokens: 30, completion_tokens: 8, total_tokens: 38, prompt_tokens_details: { cached_tokens: 10 }, completion_tokens_details: { reasoning_tokens: 3 } });
    }
  });

  test('counts the reads that end an event, for what a cut-off stream had sent', () => {
    // One event per read, as providers flush them: every event counted.
    const tap = new UsageTap({ family: 'openai', stream: true, dropUsageEvent: false });
    for (const line of OPENAI) tap.pass(Buffer.from(`data: ${line}\n\n`));
    assert.equal(tap.events, OPENAI.length);
    // An event boundary split across two reads counts once.
    const split = new UsageTap({ family: 'openai', stream: true, dropUsageEvent: false });
    split.pass(Buffer.from('data: {}\n'));
    split.pass(Buffer.from('\ndata: {}\n\n'));
    assert.equal(split.events, 2);
  });
});
