/**
 * OpenAI's Responses API as the openai and azure simulators answer it (`POST …/responses`).
 *
 * Answers follow the request like a model would, deterministically (fixed ids and timestamps,
 * so the same request always gets the same bytes):
 * - function tools and `tool_choice` other than `"none"`, and the last input item is not a
 *   `function_call_output` → one `function_call` to the forced tool (else the first), arguments
 *   `{"city":"Paris"}`, call id `call_sim_weather_1`;
 * - after a `function_call_output` → text that quotes that output;
 * - `text.format` json_schema → JSON text with one sample value per schema property;
 * - otherwise the text `Hello from the Responses simulator.`
 * `max_output_tokens` below 5 cuts the text: status `incomplete`, reason `max_output_tokens`.
 * Streams are the typed event sequence OpenAI sends (`event:` and `data:` lines, each event with
 * its `sequence_number` from 0): response.created, response.in_progress, then per output item
 * response.output_item.added, response.content_part.added, response.output_text.delta…,
 * response.output_text.done, response.content_part.done, response.output_item.done (for a
 * function call: response.function_call_arguments.delta… and .done), and response.completed
 * (or response.incomplete).
 */

export interface ResponsesBody {
  model?: string;
  input?: unknown;
  instructions?: string | null;
  tools?: Array<{ type?: string; name?: string }>;
  tool_choice?: unknown;
  text?: { format?: { type?: string; name?: string; schema?: { properties?: Record<string, { type?: string }> } } };
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  parallel_tool_calls?: boolean;
  previous_response_id?: string | null;
  store?: boolean;
  metadata?: Record<string, string>;
  stream?: boolean;
}

export const SIM_RESPONSE_ID = 'resp_68b1f0c2a9e48190b7b2c3d4e5f60718';
export const SIM_TEXT = 'Hello from the Responses simulator.';
export const SIM_CALL_ID = 'call_sim_weather_1';
const CREATED = 1764590400;
const MESSAGE_ID = 'msg_68b1f0c3b1f08190a1b2c3d4e5f60718';
const CALL_ITEM_ID = 'fc_68b1f0c3b1f08190a1b2c3d4e5f60719';

type Item = Record<string, unknown>;

function lastInput(body: ResponsesBody): Item | undefined {
  return Array.isArray(body.input) ? (body.input.at(-1) as Item | undefined) : undefined;
}

function sample(type: string | undefined): unknown {
  if (type === 'number' || type === 'integer') return 21;
  if (type === 'boolean') return true;
  if (type === 'array') return [];
  if (type === 'object') return {};
  return 'Paris';
}

/** What the "model" says: a call, or text (and whether it was cut short). */
function decide(body: ResponsesBody): { call?: { name: string; arguments: string } } & { text?: string; cut?: boolean } {
  const functions = (body.tools ?? []).filter((t) => t.type === 'function');
  const answered = lastInput(body)?.type === 'function_call_output';
  if (functions.length > 0 && body.tool_choice !== 'none' && !answered) {
    const forced = body.tool_choice as { type?: string; name?: string } | undefined;
    const name = forced?.type === 'function' && forced.name ? forced.name : (functions[0].name ?? 'tool');
    return { call: { name, arguments: '{"city":"Paris"}' } };
  }
  let text = SIM_TEXT;
  if (answered) text = `The tool said: ${String(lastInput(body)?.output)}`;
  else if (body.text?.format?.type === 'json_schema') {
    const props = body.text.format.schema?.properties ?? {};
    text = JSON.stringify(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sample(v.type)])));
  }
  const limit = body.max_output_tokens;
  if (typeof limit === 'number' && limit < 5) return { text: text.split(' ').slice(0, limit).join(' '), cut: true };
  return { text };
}

function envelope(body: ResponsesBody, status: string, output: Item[], usage: unknown, cut = false): Item {
  return {
    id: SIM_RESPONSE_ID,
    object: 'response',
    created_at: CREATED,
    status,
    background: false,
    error: null,
    incomplete_details: cut ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    model: `${body.model ?? 'gpt-4o-mini'}-2024-07-18`,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1.0,
    text: { format: body.text?.format ?? { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_logprobs: 0,
    top_p: body.top_p ?? 1.0,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: body.metadata ?? {},
  };
}

const USAGE = { input_tokens: 19, input_tokens_details: { cached_tokens: 0 }, output_tokens: 8, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 27 };

function outputItems(body: ResponsesBody): { items: Item[]; cut: boolean } {
  const said = decide(body);
  if (said.call) {
    return { items: [{ id: CALL_ITEM_ID, type: 'function_call', status: 'completed', arguments: said.call.arguments, call_id: SIM_CALL_ID, name: said.call.name }], cut: false };
  }
  const part = { type: 'output_text', annotations: [], logprobs: [], text: said.text ?? '' };
  return { items: [{ id: MESSAGE_ID, type: 'message', status: said.cut ? 'incomplete' : 'completed', content: [part], role: 'assistant' }], cut: said.cut === true };
}

/** The JSON answer to a non-streaming request. */
export function responsesAnswer(body: ResponsesBody): Item {
  const { items, cut } = outputItems(body);
  return envelope(body, cut ? 'incomplete' : 'completed', items, USAGE, cut);
}

/** The SSE text of a streamed answer, event by event. */
export function responsesStreamEvents(body: ResponsesBody): string[] {
  const { items, cut } = outputItems(body);
  const events: string[] = [];
  const emit = (type: string, fields: Item): void => {
    events.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: events.length, ...fields })}\n\n`);
  };
  const start = envelope(body, 'in_progress', [], null);
  emit('response.created', { response: start });
  emit('response.in_progress', { response: start });
  items.forEach((item, output_index) => {
    if (item.type === 'function_call') {
      const args = String(item.arguments);
      emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const delta of [args.slice(0, 5), args.slice(5)]) emit('response.function_call_arguments.delta', { item_id: item.id, output_index, delta, obfuscation: 'x7Kp' });
      emit('response.function_call_arguments.done', { item_id: item.id, output_index, arguments: args });
      emit('response.output_item.done', { output_index, item });
      return;
    }
    const part = (item.content as Item[])[0];
    const text = String(part.text);
    const at = { item_id: item.id, output_index, content_index: 0 };
    emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
    emit('response.content_part.added', { ...at, part: { ...part, text: '' } });
    for (const delta of text.match(/\S+\s*/g) ?? []) emit('response.output_text.delta', { ...at, delta, logprobs: [], obfuscation: 'Qz' });
    emit('response.output_text.done', { ...at, text, logprobs: [] });
    emit('response.content_part.done', { ...at, part });
    emit('response.output_item.done', { output_index, item });
  });
  const done = envelope(body, cut ? 'incomplete' : 'completed', items, USAGE, cut);
  emit(cut ? 'response.incomplete' : 'response.completed', { response: done });
  return events;
}
