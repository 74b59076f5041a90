/**
 * One cheap type test per Responses field (the same helpers and wording as the chat decoder),
 * so the converter can trust shapes. Unknown top-level fields are refused by name, as OpenAI
 * does: a translated request cannot forward what it does not understand.
 */
import { invalidRequest } from '../../core/gateway-error.js';
import {
  invalidType,
  isObject,
  item,
  missing,
  oneOf,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalObjectArray,
  optionalString,
  optionalStringArray,
  requiredObject,
  requiredString,
  sub,
  type Path,
} from '../openai-chat/field-checks.js';
import { checkNamedSchema } from '../openai-chat/check-chat-request.js';

type Check = (value: unknown, param: Path) => void;

const INT_MAX = Number.MAX_SAFE_INTEGER;

function checkContent(value: unknown, param: Path): void {
  if (typeof value === 'string') return;
  if (!Array.isArray(value)) throw invalidType(param, 'a string or an array of content parts', value);
  for (let i = 0; i < value.length; i++) checkPart(value[i], item(param, i));
}

function checkPart(part: unknown, at: Path): void {
  requiredObject(part, at);
  requiredString(part.type, sub(at, 'type'));
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return requiredString(part.text, sub(at, 'text'));
    case 'refusal':
      return requiredString(part.refusal, sub(at, 'refusal'));
    case 'input_image':
      optionalString(part.image_url, sub(at, 'image_url'));
      optionalString(part.file_id, sub(at, 'file_id'));
      return optionalString(part.detail, sub(at, 'detail'));
    case 'input_file':
      optionalString(part.file_data, sub(at, 'file_data'));
      optionalString(part.file_id, sub(at, 'file_id'));
      optionalString(part.file_url, sub(at, 'file_url'));
      return optionalString(part.filename, sub(at, 'filename'));
    default:
      // Other part types (input_audio …) are judged by the converter.
      return;
  }
}

function checkItem(entry: Record<string, unknown>, at: Path): void {
  const type = entry.type ?? (entry.role !== undefined ? 'message' : undefined);
  if (type === undefined) throw missing(sub(at, 'type'));
  if (typeof type !== 'string') throw invalidType(sub(at, 'type'), 'a string', type);
  switch (type) {
    case 'message':
      requiredString(entry.role, sub(at, 'role'));
      oneOf(entry.role, sub(at, 'role'), ['user', 'assistant', 'system', 'developer']);
      if (entry.content === undefined) throw missing(sub(at, 'content'));
      return checkContent(entry.content, sub(at, 'content'));
    case 'function_call':
      requiredString(entry.call_id, sub(at, 'call_id'));
      requiredString(entry.name, sub(at, 'name'));
      return requiredString(entry.arguments, sub(at, 'arguments'));
    case 'function_call_output':
      requiredString(entry.call_id, sub(at, 'call_id'));
      if (entry.output === undefined) throw missing(sub(at, 'output'));
      return checkContent(entry.output, sub(at, 'output'));
    case 'item_reference':
      return requiredString(entry.id, sub(at, 'id'));
    default:
      return;
  }
}

function checkInput(value: unknown, param: Path): void {
  if (value === undefined || value === null) throw missing(param);
  if (typeof value === 'string') return;
  if (!Array.isArray(value)) throw invalidType(param, 'a string or an array of input items', value);
  optionalObjectArray(value, param, checkItem);
}

function checkTools(value: unknown, param: Path): void {
  optionalObjectArray(value, param, (tool, at) => {
    requiredString(tool.type, sub(at, 'type'));
    // Built-in tools have shapes of their own; the converter refuses them by type.
    if (tool.type === 'function') checkNamedSchema(tool, at, 'parameters');
  });
}

function checkToolChoice(value: unknown, param: Path): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string') return oneOf(value, param, ['none', 'auto', 'required']);
  requiredObject(value, param);
  requiredString(value.type, sub(param, 'type'));
  if (value.type === 'function') return requiredString(value.name, sub(param, 'name'));
  if (value.type === 'allowed_tools') {
    oneOf(value.mode, sub(param, 'mode'), ['auto', 'required']);
    if (!Array.isArray(value.tools)) throw invalidType(sub(param, 'tools'), 'an array', value.tools);
  }
}

function checkText(value: unknown, param: Path): void {
  optionalObject(value, param);
  if (!isObject(value)) return;
  oneOf(value.verbosity, sub(param, 'verbosity'), ['low', 'medium', 'high']);
  const format = value.format;
  const at = sub(param, 'format');
  optionalObject(format, at);
  if (!isObject(format)) return;
  requiredString(format.type, sub(at, 'type'));
  oneOf(format.type, sub(at, 'type'), ['text', 'json_object', 'json_schema']);
  if (format.type !== 'json_schema') return;
  checkNamedSchema(format, at, 'schema');
  requiredObject(format.schema, sub(at, 'schema'));
}

function checkReasoning(value: unknown, param: Path): void {
  optionalObject(value, param);
  if (!isObject(value)) return;
  optionalString(value.effort, sub(param, 'effort'));
  optionalString(value.summary, sub(param, 'summary'));
  optionalString(value.generate_summary, sub(param, 'generate_summary'));
}

function checkMetadata(value: unknown, param: Path): void {
  optionalObject(value, param);
  if (!isObject(value)) return;
  for (const key in value) optionalString(value[key], sub(param, key));
}

const integerFrom = (min: number): Check => (v, p) => optionalNumber(v, p, min, INT_MAX, true);
const numberIn = (min: number, max: number): Check => (v, p) => optionalNumber(v, p, min, max);
const ignored: Check = () => undefined;

/**
 * Every top-level field the gateway accepts. `ignored` ones do not change the answer (delivery
 * options, cache hints, extra output the translation cannot produce); the converter refuses the
 * ones that would change it but cannot be translated (`background`, `conversation`, `prompt`).
 */
const FIELDS = new Map<string, Check>(Object.entries({
  model: requiredString,
  input: checkInput,
  instructions: optionalString,
  tools: checkTools,
  tool_choice: checkToolChoice,
  text: checkText,
  reasoning: checkReasoning,
  max_output_tokens: integerFrom(1),
  temperature: numberIn(0, 2),
  top_p: numberIn(0, 1),
  parallel_tool_calls: optionalBoolean,
  stream: optionalBoolean,
  stream_options: optionalObject,
  store: optionalBoolean,
  previous_response_id: optionalString,
  metadata: checkMetadata,
  user: optionalString,
  safety_identifier: optionalString,
  prompt_cache_key: optionalString,
  prompt_cache_retention: ignored,
  service_tier: optionalString,
  include: optionalStringArray,
  top_logprobs: integerFrom(0),
  truncation: (v: unknown, p: Path) => oneOf(v, p, ['auto', 'disabled']),
  max_tool_calls: integerFrom(1),
  background: optionalBoolean,
  conversation: ignored,
  prompt: ignored,
} satisfies Record<string, Check>));

export function checkResponsesFields(body: Record<string, unknown>): void {
  if (body.input === undefined) throw missing('input');
  for (const key in body) {
    const check = FIELDS.get(key);
    if (check === undefined) throw invalidRequest(`Unknown parameter: '${key.length > 60 ? `${key.slice(0, 60)}…` : key}'.`, key, 'unknown_parameter');
    check(body[key], key);
  }
}
