/**
 * The Vercel AI SDK's default `openai(model)` provider speaks the Responses API: what it posts
 * decodes into the right canonical request, and it reads the codec's answers and streams —
 * a multi-step tool loop included, whose later steps refer to earlier items by id.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateText, jsonSchema, Output, stepCountIs, streamText, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import type { ChatRequest } from '../../../src/core/chat-types.js';
import { completion, startResponsesServer, textChunks, toolChunks, type Answer, type ResponsesServer } from './responses-server.js';

let server: ResponsesServer;
let answer: (request: ChatRequest) => Answer;
let provider: ReturnType<typeof createOpenAI>;

before(async () => {
  server = await startResponsesServer((r) => answer(r));
  provider = createOpenAI({ apiKey: 'sk-test', baseURL: server.baseURL });
});
after(() => server.close());

const weather = tool({
  description: 'Weather for a city',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
  execute: async ({ city }) => ({ city, temp: 21 }),
});

describe('Vercel AI SDK, default openai(model) provider', () => {
  test('generateText: the posted body decodes; text and usage come back', async () => {
    answer = () => ({ completion: completion('gpt-4o-mini', { role: 'assistant', content: 'Bonjour' }) });
    const result = await generateText({ model: provider('gpt-4o-mini'), system: 'Translate to French', prompt: 'Hello', temperature: 0.2, maxOutputTokens: 50 });
    assert.equal(result.text, 'Bonjour');
    assert.equal(result.usage.inputTokens, 12);
    assert.equal(result.usage.outputTokens, 5);
    assert.equal(result.finishReason, 'stop');
    const posted = server.bodies.at(-1)!;
    assert.ok(Array.isArray(posted.input), 'the AI SDK posts input items');
    const sent = server.seen.at(-1)!.request;
    assert.deepEqual(sent.messages, [{ role: 'system', content: 'Translate to French' }, { role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
    assert.equal(sent.temperature, 0.2);
    assert.equal(sent.max_completion_tokens, 50);
  });

  test('streamText: text deltas and usage from the event stream', async () => {
    answer = () => ({ chunks: textChunks('gpt-4o-mini', ['Bon', 'jour', '!']) });
    const result = streamText({ model: provider('gpt-4o-mini'), prompt: 'Hello' });
    const parts: string[] = [];
    for await (const delta of result.textStream) parts.push(delta);
    assert.deepEqual(parts, ['Bon', 'jour', '!']);
    assert.equal((await result.usage).totalTokens, 18);
    assert.equal(await result.finishReason, 'stop');
    assert.equal(server.seen.at(-1)!.request.stream, true);
  });

  test('a tool loop: the call, the tool result and the earlier text (an item_reference) reach the next step', async () => {
    answer = (r) => {
      const hasResult = r.messages.some((m) => m.role === 'tool');
      if (hasResult) return { completion: completion('gpt-4o-mini', { role: 'assistant', content: 'It is 21°C in Paris.' }) };
      return { completion: completion('gpt-4o-mini', { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] }, 'tool_calls') };
    };
    const result = await generateText({ model: provider('gpt-4o-mini'), prompt: 'Weather in Paris?', tools: { weather }, stopWhen: stepCountIs(3) });
    assert.equal(result.text, 'It is 21°C in Paris.');
    assert.equal(result.steps.length, 2);
    assert.deepEqual(result.steps[0]!.toolCalls.map((c) => [c.toolName, c.input]), [['weather', { city: 'Paris' }]]);
    const firstTools = server.seen.at(-2)!.request.tools;
    assert.equal(firstTools?.[0]?.function.name, 'weather');
    const posted = server.bodies.at(-1)!.input as Array<Record<string, unknown>>;
    assert.ok(posted.some((i) => i.type === 'item_reference'), `the AI SDK refers to stored items: ${JSON.stringify(posted)}`);
    assert.deepEqual(server.seen.at(-1)!.request.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_w1', content: '{"city":"Paris","temp":21}' },
    ]);
  });

  test('streamText with a tool call: the call is parsed from function_call events', async () => {
    answer = (r) => (r.messages.some((m) => m.role === 'tool') ? { chunks: textChunks('gpt-4o-mini', ['Sunny']) } : { chunks: toolChunks('gpt-4o-mini', 'weather', ['{"city":', '"Rome"}'], 'call_r') });
    const result = streamText({ model: provider('gpt-4o-mini'), prompt: 'Weather in Rome?', tools: { weather }, stopWhen: stepCountIs(3) });
    assert.equal(await result.text, 'Sunny');
    const steps = await result.steps;
    assert.deepEqual(steps[0]!.toolCalls.map((c) => [c.toolCallId, c.input]), [['call_r', { city: 'Rome' }]]);
  });

  test('structured output: Output.object posts text.format json_schema, and the answer parses', async () => {
    answer = () => ({ completion: completion('gpt-4o-mini', { role: 'assistant', content: '{"name":"Ann"}' }) });
    const schema = { type: 'object' as const, properties: { name: { type: 'string' as const } }, required: ['name'], additionalProperties: false };
    const result = await generateText({ model: provider('gpt-4o-mini'), prompt: 'I am Ann', output: Output.object({ schema: jsonSchema<{ name: string }>(schema) }) });
    assert.deepEqual(result.output, { name: 'Ann' });
    assert.deepEqual(server.seen.at(-1)!.request.response_format, { type: 'json_schema', json_schema: { name: 'response', schema, strict: true } });
  });

  test('an unknown previous_response_id is an APICallError with status 404', async () => {
    answer = () => ({ completion: completion('m', { role: 'assistant', content: 'x' }) });
    const err = await generateText({ model: provider('gpt-4o-mini'), prompt: 'hi', maxRetries: 0, providerOptions: { openai: { previousResponseId: 'resp_gone' } } }).catch((e: unknown) => e);
    assert.equal((err as { statusCode?: number }).statusCode, 404, String(err));
    assert.match(String((err as Error).message), /Previous response with id 'resp_gone' not found/);
  });
});
