/**
 * Tool calls in OpenAI's chat-completions wire format, for the OpenAI simulator: when a request
 * offers `tools` (and `tool_choice` is not `"none"`), the simulated model calls the forced tool,
 * else the first one offered, with SIMULATED_TOOL_ARGUMENTS.
 *
 * Streams follow what OpenAI sends: the first chunk carries `role`, and the call's `index`, `id`,
 * `type` and `name` with empty `arguments`; later chunks carry only `index` and argument
 * fragments; then a chunk with `finish_reason: "tool_calls"` and an empty delta; then the usage
 * chunk (`choices: []`) when `stream_options.include_usage` is set.
 */

export const SIMULATED_TOOL_CALL_ID = 'call_SimWeather0123456789ab';
export const SIMULATED_TOOL_ARGUMENTS = '{"city":"Paris","unit":"celsius"}';
/** How the argument string is cut into stream fragments (OpenAI splits at token boundaries). */
const FRAGMENTS = ['{"', 'city', '":"', 'Paris', '","', 'unit', '":"', 'celsius', '"}'];
const USAGE = { prompt_tokens: 61, completion_tokens: 17, total_tokens: 78, prompt_tokens_details: { cached_tokens: 0 } };

interface ToolsBody {
  model?: unknown;
  tools?: unknown;
  tool_choice?: unknown;
}

/** The name of the tool the simulated model calls, or undefined when it answers with text. */
export function toolToCall(body: ToolsBody): string | undefined {
  if (!Array.isArray(body.tools) || body.tools.length === 0 || body.tool_choice === 'none') return undefined;
  const forced = (body.tool_choice as { function?: { name?: unknown } } | undefined)?.function?.name;
  if (typeof forced === 'string') return forced;
  const first = (body.tools[0] as { function?: { name?: unknown } } | undefined)?.function?.name;
  return typeof first === 'string' ? first : undefined;
}

export function toolCallCompletion(model: string, name: string): object {
  return {
    id: 'chatcmpl-sim-tool-1',
    object: 'chat.completion',
    created: 1770933883,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: SIMULATED_TOOL_CALL_ID, type: 'function', function: { name, arguments: SIMULATED_TOOL_ARGUMENTS } }],
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
    usage: USAGE,
    service_tier: 'default',
    system_fingerprint: 'fp_sim_tools',
  };
}

/** The `data:` payloads of a tool-call stream, without the `[DONE]` sentinel. */
export function toolCallStreamLines(model: string, name: string, includeUsage: boolean): string[] {
  const base = { id: 'chatcmpl-sim-tool-1', object: 'chat.completion.chunk', created: 1770933883, model, service_tier: 'default', system_fingerprint: 'fp_sim_tools' };
  const usage = includeUsage ? { usage: null } : {};
  const chunk = (delta: object, finish: string | null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usage });
  const lines: object[] = [
    chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: SIMULATED_TOOL_CALL_ID, type: 'function', function: { name, arguments: '' } }], refusal: null }, null),
    ...FRAGMENTS.map((piece) => chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null)),
    chunk({}, 'tool_calls'),
  ];
  if (includeUsage) lines.push({ ...base, choices: [], usage: USAGE });
  return lines.map((line) => JSON.stringify(line));
}
