/**
 * The official Anthropic SDK against the gateway, for the Messages ingress tests:
 *
 *   const rec = recordingFetch();
 *   const client = anthropicClient(`${gw.url}/router/r`, rec.fetch);   // maxRetries: 0
 *   await client.messages.create({...});
 *   rec.calls.at(-1)   // { url, headers, body (the exact bytes the SDK sent), response: Promise<{status, headers, body}> }
 *
 * plus an SSE parser (`parseSse`) and the checks of Anthropic's stream grammar
 * (`assertMessagesEventSequence`).
 */
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';

/** What the client sends as its own key: never to be seen upstream. */
export const CLIENT_KEY = 'test-client-key-messages-0123456789abcdef';

export interface RecordedCall {
  url: string;
  method: string;
  headers: Headers;
  /** The request body as the SDK sent it. */
  body: Buffer;
  /** The whole answer, read from a clone (resolves when the answer has ended). */
  response: Promise<{ status: number; headers: Headers; body: Buffer }>;
}

/** A `fetch` that records what goes out and what comes back, for byte-level assertions. */
export function recordingFetch(): { fetch: typeof fetch; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const recording = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = Buffer.from(await request.clone().arrayBuffer());
    const res = await fetch(request);
    const copy = res.clone();
    calls.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      body,
      response: copy.arrayBuffer().then((b) => ({ status: copy.status, headers: copy.headers, body: Buffer.from(b) })),
    });
    return res;
  };
  return { fetch: recording as typeof fetch, calls };
}

export function anthropicClient(baseURL: string, fetchImpl?: typeof fetch): Anthropic {
  return new Anthropic({ baseURL, apiKey: CLIENT_KEY, maxRetries: 0, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected the request to fail');
}

export const WEATHER_TOOL: Anthropic.Tool = {
  name: 'weather',
  description: 'The current weather in a city',
  input_schema: { type: 'object', properties: { location: { type: 'string', description: 'City name' } }, required: ['location'] },
};

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Parses an SSE body (Anthropic's `event:` + `data:` frames; comments and `id:` lines ignored). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const frame of text.replace(/\r\n/g, '\n').split('\n\n')) {
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length === 0) continue;
    events.push({ event, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
  }
  return events;
}

export interface StreamSummary {
  blocks: Array<{ type: string; text: string; json: string; name?: string; id?: string }>;
  stopReason: unknown;
  usage: Record<string, unknown>;
  startUsage: Record<string, unknown>;
  model: unknown;
}

/**
 * Anthropic's stream grammar: message_start first; each content block opened, given deltas of
 * its own kind and closed, one at a time, with indexes 0, 1, 2, …; a ping somewhere; then
 * message_delta with stop_reason and usage, and message_stop last. Every event's `event:` name
 * equals its data's `type`. Returns the blocks, assembled.
 */
export function assertMessagesEventSequence(events: SseEvent[], opts: { ping?: boolean } = {}): StreamSummary {
  assert.ok(events.length >= 4, `too few events: ${JSON.stringify(events)}`);
  for (const e of events) assert.equal(e.data.type, e.event, `event name ${e.event} and data type ${String(e.data.type)}`);
  assert.equal(events[0].event, 'message_start', 'message_start comes first');
  assert.equal(events.at(-1)?.event, 'message_stop', 'message_stop comes last');
  if (opts.ping !== false) assert.ok(events.some((e) => e.event === 'ping'), 'a ping is sent');
  assert.equal(events.filter((e) => e.event === 'message_start').length, 1);
  assert.equal(events.filter((e) => e.event === 'message_stop').length, 1);
  const message = events[0].data.message as Record<string, unknown>;
  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
  assert.deepEqual(message.content, []);
  assert.match(String(message.id), /^msg_/);

  const blocks: StreamSummary['blocks'] = [];
  let open: number | undefined;
  let deltas = 0;
  let messageDelta: Record<string, unknown> | undefined;
  for (const [i, e] of events.entries()) {
    const where = `event ${i} (${e.event})`;
    switch (e.event) {
      case 'content_block_start': {
        assert.equal(open, undefined, `${where}: a block starts while block ${String(open)} is open`);
        assert.equal(messageDelta, undefined, `${where}: a block after message_delta`);
        assert.equal(e.data.index, blocks.length, `${where}: indexes go 0, 1, 2, …`);
        const block = e.data.content_block as Record<string, unknown>;
        assert.ok(['text', 'tool_use', 'thinking', 'redacted_thinking'].includes(String(block.type)), `${where}: block type ${String(block.type)}`);
        if (block.type === 'tool_use') {
          assert.match(String(block.id), /\S/, `${where}: a tool_use block has an id`);
          assert.match(String(block.name), /\S/, `${where}: a tool_use block has a name`);
          assert.deepEqual(block.input, {}, `${where}: tool input arrives in deltas`);
        }
        open = e.data.index as number;
        blocks.push({
          type: String(block.type),
          text: typeof block.text === 'string' ? block.text : typeof block.thinking === 'string' ? block.thinking : '',
          json: '',
          ...(block.type === 'tool_use' ? { name: String(block.name), id: String(block.id) } : {}),
        });
        break;
      }
      case 'content_block_delta': {
        assert.equal(e.data.index, open, `${where}: a delta for the open block`);
        const delta = e.data.delta as Record<string, unknown>;
        const block = blocks[open as number];
        const expected: Record<string, string[]> = {
          text: ['text_delta', 'citations_delta'],
          tool_use: ['input_json_delta'],
          thinking: ['thinking_delta', 'signature_delta'],
        };
        assert.ok((expected[block.type] ?? []).includes(String(delta.type)), `${where}: ${String(delta.type)} in a ${block.type} block`);
        if (delta.type === 'text_delta') block.text += String(delta.text);
        if (delta.type === 'thinking_delta') block.text += String(delta.thinking);
        if (delta.type === 'input_json_delta') block.json += String(delta.partial_json);
        deltas++;
        break;
      }
      case 'content_block_stop':
        assert.equal(e.data.index, open, `${where}: stops the open block`);
        open = undefined;
        break;
      case 'message_delta':
        assert.equal(open, undefined, `${where}: message_delta while a block is open`);
        assert.equal(messageDelta, undefined, `${where}: one message_delta`);
        messageDelta = e.data;
        break;
      case 'message_start':
      case 'message_stop':
      case 'ping':
        break;
      default:
        assert.fail(`${where}: unexpected event`);
    }
  }
  assert.equal(open, undefined, 'every block is closed');
  assert.ok(blocks.length > 0 && deltas > 0, 'at least one block with content');
  assert.ok(messageDelta, 'a message_delta');
  const delta = messageDelta.delta as Record<string, unknown>;
  assert.ok(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal'].includes(String(delta.stop_reason)), `stop_reason ${String(delta.stop_reason)}`);
  const usage = messageDelta.usage as Record<string, unknown>;
  assert.ok(typeof usage?.output_tokens === 'number' && usage.output_tokens > 0, `message_delta usage: ${JSON.stringify(usage)}`);
  for (const b of blocks) if (b.type === 'tool_use') assert.doesNotThrow(() => JSON.parse(b.json === '' ? '{}' : b.json), `tool input JSON: ${b.json}`);
  return { blocks, stopReason: delta.stop_reason, usage, startUsage: message.usage as Record<string, unknown>, model: message.model };
}

/** The error body of an Anthropic-shaped error answer, checked for shape. */
export function assertAnthropicErrorBody(body: unknown, type: string): { type: string; message: string } {
  const b = body as { type?: unknown; error?: { type?: unknown; message?: unknown } };
  assert.equal(b.type, 'error', `an Anthropic error body: ${JSON.stringify(body)}`);
  assert.equal(b.error?.type, type, JSON.stringify(body));
  assert.equal(typeof b.error?.message, 'string');
  assert.ok(String(b.error?.message).length > 0);
  return b.error as { type: string; message: string };
}
