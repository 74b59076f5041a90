/**
 * The count_tokens estimate against counts Anthropic published (their token-counting guide and a
 * client's README quote the API's answers for these exact requests). The tokenizer's ratio to
 * Claude's on longer English prose (~1.16) is a published side-by-side, not measured here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { countTokensEstimate, decodeCountTokensRequest } from '../../../src/ingress/anthropic-messages/index.js';

const estimate = async (body: unknown) =>
  (await countTokensEstimate(decodeCountTokensRequest(Buffer.from(JSON.stringify({ model: 'claude-sonnet-4-5', ...(body as object) }))).request)).input_tokens;

function within10Percent(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= expected * 0.1, `estimate ${actual}, Anthropic counted ${expected}`);
}

describe('count_tokens estimate', () => {
  test("is within 10% of Anthropic's counts for its published examples", async () => {
    // Anthropic's token-counting guide: system + one user turn → 14.
    within10Percent(await estimate({ system: 'You are a scientist', messages: [{ role: 'user', content: 'Hello, Claude' }] }), 14);
    // The API's answer for one short user turn, as quoted by the claude-token-count CLI → 10.
    within10Percent(await estimate({ messages: [{ role: 'user', content: 'Hello, world' }] }), 10);
    // Anthropic's token-counting guide, with a tool → 403 (346 of them the tool-use system prompt).
    const tools = [
      {
        name: 'get_weather',
        description: 'Get the current weather in a given location',
        input_schema: { type: 'object', properties: { location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' } }, required: ['location'] },
      },
    ];
    within10Percent(await estimate({ tools, messages: [{ role: 'user', content: "What's the weather like in San Francisco?" }] }), 403);
  });

  test('grows with the prompt and counts images', async () => {
    const short = await estimate({ messages: [{ role: 'user', content: 'The quick brown fox jumps over the lazy dog.' }] });
    const long = await estimate({ messages: [{ role: 'user', content: 'The quick brown fox jumps over the lazy dog. '.repeat(100) }] });
    assert.ok(long > short * 50, `${short} → ${long}`);
    const image = await estimate({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }, { type: 'text', text: 'what?' }] }] });
    assert.ok(image > 1600);
  });

  test('the tokenizer loads only when an estimate is asked for', () => {
    // A resolve hook reports every import of gpt-tokenizer; the child imports the dialect, then estimates.
    const hook = `export async function resolve(s, c, next) { if (s.startsWith('gpt-tokenizer')) process._rawDebug('TOKENIZER'); return next(s, c); }`;
    const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;
    const script = `
      const m = await import('./src/ingress/anthropic-messages/index.ts');
      process._rawDebug('IMPORTED');
      await m.countTokensEstimate({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      process._rawDebug('ESTIMATED');`;
    const child = spawnSync(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(child.stderr.split('\n').filter((l) => /^(TOKENIZER|IMPORTED|ESTIMATED)$/.test(l)), ['IMPORTED', 'TOKENIZER', 'ESTIMATED']);
  });
});
