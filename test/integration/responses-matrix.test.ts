/**
 * The official openai SDK's Responses API against every provider that serves chat, through the
 * gateway's `/ai/v1` (in process, from src): OpenAI and Azure natively, the others translated.
 * For each: `responses.create` with a string and with items plus instructions, `responses.stream`
 * with the typed event sequence and `finalResponse()`, function tools with `tool_choice` and the
 * follow-up carrying `function_call_output`, a streamed call, `text.format` json_schema,
 * `max_output_tokens` and usage — and what each provider received, in its own wire format.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, findKey, lastUpstream, startFleet, type Fleet, type Target } from '../helpers/responses-fleet.js';
import { assertWellFormed, collectEvents, deltaText, folded, TEXT_SEQUENCE } from '../helpers/responses-events.js';

const NAMES = ['openai', 'anthropic', 'gemini', 'bedrock', 'mistral', 'ollama', 'azure', 'vertex', 'vertex-claude'];

const WEATHER = {
  type: 'function' as const,
  name: 'weather',
  description: 'Current weather for a city (matrix-tool-marker)',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};
const SCHEMA = { type: 'object', properties: { capital_city_marker: { type: 'string' } }, required: ['capital_city_marker'], additionalProperties: false };

let fleet: Fleet;
let client: OpenAI;

before(async () => {
  fleet = await startFleet();
  client = new OpenAI({ baseURL: `${fleet.gw.url}/ai/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
});
after(() => fleet?.close());

const toolChoice = (t: Target): OpenAI.Responses.ResponseCreateParams['tool_choice'] => (t.forcesTool ? { type: 'function', name: 'weather' } : 'auto');

function assertUsage(usage: OpenAI.Responses.ResponseUsage | undefined, label: string): void {
  assert.ok(usage, `${label}: usage`);
  assert.ok(usage.input_tokens > 0 && usage.output_tokens > 0, `${label}: ${JSON.stringify(usage)}`);
  assert.equal(usage.total_tokens, usage.input_tokens + usage.output_tokens, label);
}

for (const name of NAMES) {
  describe(name, () => {
    const t = (): Target => fleet.target(name);

    test('responses.create with a string: text, usage, the provider header; the gateway key upstream', async () => {
      const before = t().requests().length;
      const { data: r, response } = await client.responses.create({ model: t().model, input: 'Say hello (matrix-string-marker)' }).withResponse();
      assert.match(r.id, /^resp_/);
      assert.equal(r.object, 'response');
      assert.equal(r.status, 'completed');
      assert.ok(r.output_text.length > 0, JSON.stringify(r.output));
      assert.equal(r.output[0]?.type, 'message');
      assertUsage(r.usage, name);
      assert.equal(response.headers.get('x-ai-gateway-provider'), t().provider);
      assert.ok(response.headers.get('x-request-id'));
      assert.equal(t().requests().length, before + 1, 'one upstream request');
      const up = lastUpstream(t());
      assert.ok(JSON.stringify(up.body).includes('matrix-string-marker'), JSON.stringify(up.body));
      assert.ok(!JSON.stringify(up.headers).includes(CLIENT_KEY), "the client's key must not reach the provider");
      if (t().native) assert.equal(up.body.input, 'Say hello (matrix-string-marker)', 'the Responses body as sent');
      else assert.equal(up.body.input, undefined, 'translated into the provider format');
    });

    test('responses.create with items and instructions: every turn and the instructions reach the provider', async () => {
      const input: OpenAI.Responses.ResponseInput = [
        { role: 'user', content: 'Name a colour (turn-one-marker).' },
        { role: 'assistant', content: 'Blue (turn-two-marker).' },
        { role: 'user', content: [{ type: 'input_text', text: 'Another one? (turn-three-marker)' }] },
      ];
      const r = await client.responses.create({ model: t().model, instructions: 'Answer in one word (instructions-marker).', input });
      assert.equal(r.status, 'completed');
      assert.equal(r.instructions, 'Answer in one word (instructions-marker).');
      assert.ok(r.output_text.length > 0);
      const sent = JSON.stringify(lastUpstream(t()).body);
      for (const marker of ['instructions-marker', 'turn-one-marker', 'turn-two-marker', 'turn-three-marker']) assert.ok(sent.includes(marker), `${marker} in ${sent}`);
      if (t().native) assert.deepEqual(lastUpstream(t()).body.input, input);
    });

    test('responses.stream: the typed event sequence, sequence numbers from 0, finalResponse', async () => {
      const stream = client.responses.stream({ model: t().model, input: 'Say hello' });
      const events = await collectEvents(stream);
      const final = await stream.finalResponse();
      assert.deepEqual(folded(events), TEXT_SEQUENCE);
      assertWellFormed(events, name);
      const text = deltaText(events);
      assert.ok(text.length > 0);
      const done = events.find((e) => e.type === 'response.output_text.done');
      assert.equal(done?.type === 'response.output_text.done' && done.text, text);
      assert.equal(final.output_text, text);
      assert.equal(final.status, 'completed');
      assertUsage(final.usage, `${name} stream`);
      const completed = events.at(-1);
      assert.ok(completed?.type === 'response.completed');
      assert.equal(final.id, completed.response.id);
      assert.equal(lastUpstream(t()).body.stream === true || /stream/i.test(lastUpstream(t()).path), true, 'the upstream call streams');
    });

    test('function tools with tool_choice: a function_call item, then the follow-up with function_call_output', async () => {
      const first = await client.responses.create({ model: t().model, input: 'Weather in Paris?', tools: [WEATHER], tool_choice: toolChoice(t()) });
      const call = first.output.find((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === 'function_call');
      assert.ok(call, JSON.stringify(first.output));
      assert.equal(call.name, 'weather');
      assert.ok(call.call_id.length > 0);
      assert.equal(typeof JSON.parse(call.arguments), 'object');
      const up = JSON.stringify(lastUpstream(t()).body);
      assert.ok(up.includes('matrix-tool-marker'), `the tool reaches the provider: ${up}`);

      const second = await client.responses.create({
        model: t().model,
        input: [{ role: 'user', content: 'Weather in Paris?' }, call, { type: 'function_call_output', call_id: call.call_id, output: '{"forecast":"sunny-21C-marker"}' }],
        tools: [WEATHER],
      });
      assert.equal(second.status, 'completed');
      assert.ok(second.output.length > 0);
      const followUp = JSON.stringify(lastUpstream(t()).body);
      assert.ok(followUp.includes('sunny-21C-marker'), `the tool result reaches the provider: ${followUp}`);
      assert.ok(followUp.includes('Paris'), 'the call is in the history');
      if (t().native) assert.ok(second.output_text.includes('sunny-21C-marker'));
    });

    test('a streamed function call: arguments deltas, done, and the call in finalResponse', async () => {
      const stream = client.responses.stream({ model: t().model, input: 'Weather in Paris?', tools: [WEATHER], tool_choice: toolChoice(t()) });
      const events = await collectEvents(stream);
      const final = await stream.finalResponse();
      assertWellFormed(events, name);
      const types = folded(events);
      assert.ok(types.includes('response.function_call_arguments.delta'), types.join());
      const done = events.find((e) => e.type === 'response.function_call_arguments.done');
      const call = (final.output as OpenAI.Responses.ResponseOutputItem[]).find((o): o is OpenAI.Responses.ResponseFunctionToolCall => o.type === 'function_call');
      assert.ok(call && done?.type === 'response.function_call_arguments.done', JSON.stringify(final.output));
      assert.equal(call.name, 'weather');
      assert.equal(done.arguments, call.arguments);
      const deltas = events.filter((e) => e.type === 'response.function_call_arguments.delta' && e.item_id === call.id);
      assert.equal(deltas.map((e) => (e as OpenAI.Responses.ResponseFunctionCallArgumentsDeltaEvent).delta).join(''), call.arguments);
      assert.equal(typeof JSON.parse(call.arguments), 'object');
      assertUsage(final.usage, `${name} tool stream`);
    });

    test('text.format json_schema reaches the provider and is echoed', async () => {
      const format = { type: 'json_schema' as const, name: 'capital', schema: SCHEMA, strict: true };
      const r = await client.responses.create({ model: t().model, input: 'Capital of France?', text: { format } });
      assert.equal(r.status, 'completed');
      assert.deepEqual(r.text?.format, format);
      const sent = JSON.stringify(lastUpstream(t()).body);
      assert.ok(sent.includes('capital_city_marker'), `the schema reaches the provider: ${sent}`);
      if (t().native) assert.deepEqual(JSON.parse(r.output_text), { capital_city_marker: 'Paris' });
    });

    test('max_output_tokens becomes the provider limit and is echoed', async () => {
      const r = await client.responses.create({ model: t().model, input: 'Say hello', max_output_tokens: 37 });
      assert.equal(r.max_output_tokens, 37);
      assert.equal(findKey(lastUpstream(t()).body, t().limitKey), 37, JSON.stringify(lastUpstream(t()).body));
      assertUsage(r.usage, name);
    });
  });
}
