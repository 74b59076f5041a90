/**
 * Clients whose default is the Responses API, through a router: the Vercel AI SDK's default
 * provider (`createOpenAI(...)('gpt-4o-mini')`) with generateText and a streamText tool loop, and
 * LangChain's `ChatOpenAI({ useResponsesApi: true })` invoke, stream and bound tools — each to a
 * translated provider and to OpenAI natively.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { CLIENT_KEY, lastUpstream, startFleet, type Fleet } from '../helpers/responses-fleet.js';

let fleet: Fleet;

before(async () => {
  fleet = await startFleet();
});
after(() => fleet?.close());

/** The gateway's access log saw a Responses request on this path. */
const servedAt = (path: string) => fleet.gw.waitForLine((l) => l.msg === 'request' && l.path === path && l.status === 200);

const executed: Array<{ city: string }> = [];
const weather = tool({
  description: 'Current weather for a city',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
  execute: async ({ city }) => {
    executed.push({ city });
    return { city, forecast: 'client-tool-result-marker' };
  },
});

describe('Vercel AI SDK, default openai(model)', () => {
  const aiSdk = (router: string) => createOpenAI({ baseURL: fleet.routerUrl(router), apiKey: CLIENT_KEY });

  test('generateText translated (router to Anthropic): text, usage, finish reason', async () => {
    const result = await generateText({ model: aiSdk('via-anthropic')('gpt-4o-mini'), system: 'Be brief (ai-sdk-system-marker).', prompt: 'Hello (ai-sdk-prompt-marker)', maxRetries: 0 });
    assert.ok(result.text.length > 0);
    assert.equal(result.finishReason, 'stop');
    assert.ok((result.usage.inputTokens ?? 0) > 0 && (result.usage.outputTokens ?? 0) > 0, JSON.stringify(result.usage));
    const sent = JSON.stringify(lastUpstream(fleet.target('anthropic')).body);
    assert.ok(sent.includes('ai-sdk-system-marker') && sent.includes('ai-sdk-prompt-marker'), sent);
    await servedAt('/router/via-anthropic/v1/responses');
  });

  test('streamText with a tool, translated (router to Bedrock): the call streams, the tool runs, the next step refers to stored items', async () => {
    executed.length = 0;
    const result = streamText({ model: aiSdk('via-bedrock')('gpt-4o-mini'), prompt: 'Weather in Paris?', tools: { weather }, stopWhen: stepCountIs(2), maxRetries: 0 });
    const parts: string[] = [];
    for await (const part of result.fullStream) {
      parts.push(part.type);
      if (part.type === 'error') throw part.error;
    }
    const steps = await result.steps;
    assert.ok(steps.length >= 1);
    const call = steps[0]!.toolCalls[0];
    assert.equal(call?.toolName, 'weather', parts.join());
    assert.equal(executed.length >= 1, true, 'the tool ran');
    assert.ok(parts.includes('tool-input-delta') || parts.includes('tool-call'), parts.join());
    assert.equal(steps.length, 2, 'a second step was sent with the tool result');
    const posted = (steps[1]!.request.body as { input: Array<{ type?: string }> }).input;
    assert.ok(posted.some((i) => i.type === 'item_reference'), `the AI SDK refers to the stored answer by id: ${JSON.stringify(posted)}`);
    const messages = (lastUpstream(fleet.target('bedrock')).body as { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> }).messages;
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user']);
    assert.ok(messages[1]!.content.some((b) => b.text === 'Let me check.'), `the referenced text is resolved from the store: ${JSON.stringify(messages[1])}`);
    assert.ok(messages[1]!.content.some((b) => b.toolUse), 'the earlier call is in the history');
    assert.ok(JSON.stringify(messages[2]).includes('client-tool-result-marker'), 'the tool result reaches Bedrock');
  });

  test('generateText native (router to OpenAI): the Responses body reaches OpenAI, its answer comes back', async () => {
    const result = await generateText({ model: aiSdk('via-openai')('gpt-4o-mini'), prompt: 'Hello', maxRetries: 0 });
    assert.equal(result.text, 'Hello from the Responses simulator.');
    assert.equal(result.usage.totalTokens, 27);
    const up = lastUpstream(fleet.target('openai'));
    assert.equal(up.path, '/v1/responses');
    assert.ok(Array.isArray(up.body.input), 'the AI SDK posts input items');
  });

  test('streamText with a tool, native: a two-step loop ends in the text that quotes the tool result', async () => {
    executed.length = 0;
    const result = streamText({ model: aiSdk('via-openai')('gpt-4o-mini'), prompt: 'Weather in Paris?', tools: { weather }, stopWhen: stepCountIs(3), maxRetries: 0 });
    const text = await result.text;
    assert.deepEqual(executed, [{ city: 'Paris' }]);
    assert.match(text, /client-tool-result-marker/);
    assert.equal((await result.steps).length, 2);
    const input = lastUpstream(fleet.target('openai')).body.input as Array<{ type?: string }>;
    assert.equal(input.at(-1)?.type, 'function_call_output');
  });
});

describe('LangChain ChatOpenAI({ useResponsesApi: true })', () => {
  const chat = (router: string) =>
    new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: CLIENT_KEY, useResponsesApi: true, maxRetries: 0, configuration: { baseURL: fleet.routerUrl(router) } });

  test('invoke, translated (router to Anthropic)', async () => {
    const message = await chat('via-anthropic').invoke([
      ['system', 'Be brief (langchain-system-marker).'],
      ['human', 'Hello (langchain-human-marker)'],
    ]);
    assert.ok(message.text.length > 0, JSON.stringify(message.content));
    assert.ok((message.usage_metadata?.input_tokens ?? 0) > 0, JSON.stringify(message.usage_metadata));
    const sent = JSON.stringify(lastUpstream(fleet.target('anthropic')).body);
    assert.ok(sent.includes('langchain-system-marker') && sent.includes('langchain-human-marker'), sent);
    await servedAt('/router/via-anthropic/v1/responses');
  });

  test('stream, translated (router to Mistral): chunks join to the whole answer', async () => {
    const model = chat('via-mistral');
    let text = '';
    let chunks = 0;
    for await (const chunk of await model.stream('Hello')) {
      text += chunk.text;
      chunks++;
    }
    assert.ok(chunks > 1, `streamed in pieces (${chunks})`);
    assert.ok(text.length > 0);
    assert.equal(lastUpstream(fleet.target('mistral')).body.stream, true);
    await servedAt('/router/via-mistral/v1/responses');
  });

  test('bound tools, translated (router to Bedrock): a tool call with parsed arguments', async () => {
    const model = chat('via-bedrock').bindTools([{ type: 'function', function: { name: 'weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }], { tool_choice: 'weather' });
    const message = await model.invoke('Weather in Paris?');
    assert.equal(message.tool_calls?.[0]?.name, 'weather', JSON.stringify(message));
    assert.equal(typeof message.tool_calls?.[0]?.args, 'object');
  });

  test('invoke and stream, native (router to OpenAI)', async () => {
    const model = chat('via-openai');
    const message = await model.invoke('Hello');
    assert.equal(message.text, 'Hello from the Responses simulator.');
    assert.equal(lastUpstream(fleet.target('openai')).path, '/v1/responses');
    let text = '';
    for await (const chunk of await model.stream('Hello')) text += chunk.text;
    assert.equal(text, 'Hello from the Responses simulator.');
  });
});
