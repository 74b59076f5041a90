/**
 * Every client dialect through the built gateway (dist/cli.js as users run it): Anthropic
 * Messages piped to Anthropic and translated to OpenAI, count_tokens both ways, and the
 * Responses API translated to Anthropic, streamed. The same paths run in process against src
 * in the pipeline and ingress tests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startGateway, type GatewayProcess } from '../helpers/gateway.js';
import { openaiAndAnthropicAt } from '../helpers/gateway-with-simulator.js';
import { startAnthropicSimulator, type AnthropicSimulator } from '../simulators/anthropic.js';
import { startOpenAISimulator, type OpenAISimulator } from '../simulators/openai.js';

const OPENAI_KEY = 'test-openai-key-dist-dialects-0123456789';
const ANTHROPIC_KEY = 'test-anthropic-key-dist-dialects-0123456789';

describe('client dialects through dist/cli.js', () => {
  let openai: OpenAISimulator;
  let anthropic: AnthropicSimulator;
  let gw: GatewayProcess;

  before(async () => {
    openai = await startOpenAISimulator({ apiKey: OPENAI_KEY });
    anthropic = await startAnthropicSimulator({ apiKey: ANTHROPIC_KEY });
    gw = await startGateway({
      config: openaiAndAnthropicAt(openai.url, '', { anthropicUrl: anthropic.url }),
      env: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY },
    });
  });

  after(async () => {
    await gw?.stop();
    await openai?.close();
    await anthropic?.close();
  });

  test('Messages to Anthropic go as they came (the gateway key, the client’s anthropic-beta kept)', async () => {
    const client = new Anthropic({ baseURL: `${gw.url}/router/an`, apiKey: 'client-key', maxRetries: 0, defaultHeaders: { 'anthropic-beta': 'test-beta-2025-01-01' } });
    const message = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 30, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(message.type, 'message');
    const seen = anthropic.requests.at(-1);
    assert.equal(seen?.headers['x-api-key'], ANTHROPIC_KEY);
    assert.equal(seen?.headers['anthropic-beta'], 'test-beta-2025-01-01');
    const tokens = await client.messages.countTokens({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hello there' }] });
    assert.ok(tokens.input_tokens > 0);
    assert.match(anthropic.requests.at(-1)?.path ?? '', /\/v1\/messages\/count_tokens$/);
  });

  test('Messages to OpenAI are translated, streamed with Anthropic’s events; count_tokens is estimated', async () => {
    const client = new Anthropic({ baseURL: `${gw.url}/router/oa`, apiKey: 'client-key', maxRetries: 0 });
    const stream = client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 30, messages: [{ role: 'user', content: 'hi' }] });
    const types: string[] = [];
    stream.on('streamEvent', (e) => types.push(e.type));
    const final = await stream.finalMessage();
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.ok(types.includes('content_block_delta'));
    assert.equal(final.stop_reason, 'end_turn');
    assert.ok(final.content[0]?.type === 'text' && final.content[0].text.length > 0);
    assert.match(openai.requests.at(-1)?.path ?? '', /\/chat\/completions$/);
    const tokens = await client.messages.countTokens({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] });
    assert.ok(tokens.input_tokens > 0 && tokens.input_tokens < 30);
  });

  test('Responses translated to Anthropic, streamed; errors in each dialect', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/router/an/v1`, apiKey: 'client-key', maxRetries: 0 });
    const stream = client.responses.stream({ model: 'claude-3-5-haiku-latest', input: 'hi' });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    assert.ok(final.output_text.length > 0);

    const anthropicClient = new Anthropic({ baseURL: `${gw.url}/router/oa`, apiKey: 'client-key', maxRetries: 0 });
    await assert.rejects(anthropicClient.messages.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } as never), Anthropic.BadRequestError);
    await assert.rejects(client.responses.create({ model: 'claude-3-5-haiku-latest', input: 'hi', previous_response_id: 'resp_unknown' }), OpenAI.NotFoundError);
  });
});
