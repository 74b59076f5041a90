/**
 * The shape of every chat-completions field the gateway knows, checked with one type test per
 * value (no schema library, no copy): the decoded object then matches `ChatRequest`, so no adapter
 * forwards `temperature: "hot"` or trips over a numeric `tool_call_id`. Fields not listed here
 * are left to the parameter policy (forwarded, or refused by name).
 */
import {
  invalidType,
  item,
  invalidValue,
  isObject,
  missing,
  oneOf,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalObjectArray,
  requiredObject,
  optionalString,
  optionalStringArray,
  requiredString,
  sub,
  type Path,
} from './field-checks.js';

type Check = (value: unknown, param: Path) => void;

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];
const INT_MAX = Number.MAX_SAFE_INTEGER;

const integerFrom = (min: number, max = INT_MAX): Check => (v, p) => optionalNumber(v, p, min, max, true);
const numberIn = (min: number, max: number): Check => (v, p) => optionalNumber(v, p, min, max);

function checkStop(value: unknown, param: Path): void {
  if (value === null || value === undefined || typeof value === 'string') return;
  if (!Array.isArray(value)) throw invalidType(param, 'a string or an array of strings', value);
  optionalStringArray(value, param);
}

function checkStreamOptions(value: unknown, param: Path): void {
  optionalObject(value, param);
  if (!isObject(value)) return;
  optionalBoolean(value.include_usage, sub(param, 'include_usage'));
  optionalBoolean(value.include_obfuscation, sub(param, 'include_obfuscation'));
}

/** A function definition and a response `json_schema` share one shape: a name and a JSON schema. */
export function checkNamedSchema(value: unknown, param: Path, schemaKey: 'parameters' | 'schema'): void {
  requiredObject(value, param);
  requiredString(value.name, sub(param, 'name'));
  optionalString(value.description, sub(param, 'description'));
  optionalObject(value[schemaKey], sub(param, schemaKey));
  optionalBoolean(value.strict, sub(param, 'strict'));
}

const checkFunctionDefinition = (fn: unknown, param: Path): void => checkNamedSchema(fn, param, 'parameters');

function checkTools(value: unknown, param: Path): void {
  optionalObjectArray(value, param, (tool, at) => {
    oneOf(tool.type ?? 'function', sub(at, 'type'), ['function']);
    checkFunctionDefinition(tool.function, sub(at, 'function'));
  });
}

function checkToolChoice(value: unknown, param: Path): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') return oneOf(value, param, ['none', 'auto', 'required']);
  if (!isObject(value)) throw invalidType(param, "one of 'none', 'auto', 'required' or an object", value);
  // OpenAI's newer `allowed_tools` and `custom` choices go to OpenAI dialects; translating adapters refuse them.
  oneOf(value.type, sub(param, 'type'), ['function', 'allowed_tools', 'custom']);
  if (value.type === 'allowed_tools') return requiredObject(value.allowed_tools, sub(param, 'allowed_tools'));
  const key = value.type === 'custom' ? 'custom' : 'function';
  const named = value[key];
  requiredObject(named, sub(param, key));
  requiredString(named.name, sub(param, `${key}.name`));
}

function checkLogitBias(value: unknown, param: Path): void {
  optionalObject(value, param);
  if (!isObject(value)) return;
  for (const token in value) optionalNumber(value[token], sub(param, token), -100, 100);
}

function checkResponseFormat(value: unknown, param: Path): void {
  if (value === null || value === undefined) return;
  if (!isObject(value)) throw invalidType(param, 'an object', value);
  if (value.type === undefined) throw missing(sub(param, 'type'));
  oneOf(value.type, sub(param, 'type'), ['text', 'json_object', 'json_schema']);
  if (value.type !== 'json_schema') return;
  checkNamedSchema(value.json_schema, sub(param, 'json_schema'), 'schema');
}

function checkMetadata(value: unknown, param: Path): void {
  optionalObject(value, param);
  if (!isObject(value)) return;
  for (const key in value) optionalString(value[key], sub(param, key));
}

function checkFunctions(value: unknown, param: Path): void {
  if (value === null || value === undefined) return;
  if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
  for (let i = 0; i < value.length; i++) checkFunctionDefinition(value[i], item(param, i));
}

function checkFunctionCall(value: unknown, param: Path): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') return oneOf(value, param, ['none', 'auto']);
  if (!isObject(value)) throw invalidType(param, "'none', 'auto' or an object", value);
  requiredString(value.name, sub(param, 'name'));
}

/** Top-level fields besides `model` and `messages` (checked first, they are required). */
const FIELDS = new Map<string, Check>(Object.entries({
  stream: optionalBoolean,
  stream_options: checkStreamOptions,
  tools: checkTools,
  tool_choice: checkToolChoice,
  parallel_tool_calls: optionalBoolean,
  max_tokens: integerFrom(1),
  max_completion_tokens: integerFrom(1),
  temperature: numberIn(0, 2),
  top_p: numberIn(0, 1),
  n: integerFrom(1, 128),
  stop: checkStop,
  presence_penalty: numberIn(-2, 2),
  frequency_penalty: numberIn(-2, 2),
  seed: integerFrom(Number.MIN_SAFE_INTEGER),
  logprobs: optionalBoolean,
  top_logprobs: integerFrom(0, 20),
  logit_bias: checkLogitBias,
  response_format: checkResponseFormat,
  user: optionalString,
  reasoning_effort: optionalString,
  metadata: checkMetadata,
  store: optionalBoolean,
  service_tier: optionalString,
  modalities: optionalStringArray,
  audio: optionalObject,
  prediction: optionalObject,
  web_search_options: optionalObject,
  verbosity: optionalString,
  prompt_cache_key: optionalString,
  safety_identifier: optionalString,
  functions: checkFunctions,
  function_call: checkFunctionCall,
} satisfies Record<string, Check>));

/** The top-level parameters checked here (the parameter table must name each of them). */
export const CHAT_PARAMETERS: readonly string[] = [...FIELDS.keys()];

export function checkChatFields(request: Record<string, unknown>): void {
  for (const key in request) {
    const check = FIELDS.get(key);
    if (check !== undefined) check(request[key], key);
  }
}

function checkPart(part: unknown, at: Path): void {
  if (!isObject(part)) throw invalidType(at, 'an object', part);
  const { type } = part;
  if (type === undefined) throw missing(sub(at, 'type'));
  if (typeof type !== 'string') throw invalidType(sub(at, 'type'), 'a string', type);
  switch (type) {
    case 'text':
      return requiredString(part.text, sub(at, 'text'));
    case 'refusal':
      return requiredString(part.refusal, sub(at, 'refusal'));
    case 'image_url': {
      const image = part.image_url;
      requiredObject(image, sub(at, 'image_url'));
      requiredString(image.url, sub(at, 'image_url.url'));
      return oneOf(image.detail, sub(at, 'image_url.detail'), ['auto', 'low', 'high']);
    }
    case 'input_audio': {
      const audio = part.input_audio;
      requiredObject(audio, sub(at, 'input_audio'));
      requiredString(audio.data, sub(at, 'input_audio.data'));
      return requiredString(audio.format, sub(at, 'input_audio.format'));
    }
    case 'file': {
      const file = part.file;
      requiredObject(file, sub(at, 'file'));
      optionalString(file.file_data, sub(at, 'file.file_data'));
      optionalString(file.file_id, sub(at, 'file.file_id'));
      return optionalString(file.filename, sub(at, 'file.filename'));
    }
    default:
      // Part types the gateway does not translate (vLLM's `video_url`, …) go to the provider as sent.
      return;
  }
}

function checkContent(content: unknown, at: Path, nullable: boolean): void {
  if (typeof content === 'string') return;
  if (content === null && nullable) return;
  if (!Array.isArray(content)) throw invalidType(at, nullable ? 'a string, an array of content parts or null' : 'a string or an array of content parts', content);
  for (let j = 0; j < content.length; j++) checkPart(content[j], item(at, j));
}

function checkToolCalls(calls: unknown, param: Path): void {
  optionalObjectArray(calls, param, (call, at) => {
    requiredString(call.id, sub(at, 'id'));
    oneOf(call.type, sub(at, 'type'), ['function']);
    const fn = call.function;
    requiredObject(fn, sub(at, 'function'));
    requiredString(fn.name, sub(at, 'function.name'));
    // Arguments are a JSON string; a client that sends the object itself is told so.
    if (fn.arguments !== undefined && typeof fn.arguments !== 'string') {
      throw invalidType(sub(at, 'function.arguments'), 'a string (the arguments as JSON text)', fn.arguments);
    }
  });
}

export function checkMessages(messages: unknown): void {
  if (messages === undefined) throw missing('messages');
  if (!Array.isArray(messages)) throw invalidType('messages', 'an array', messages);
  if (messages.length === 0) throw invalidValue('messages', 'expected an array with at least 1 message, but got an empty array instead.');
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const at = item('messages', i);
    if (!isObject(m)) throw invalidType(at, 'an object', m);
    if (m.role === undefined) throw missing(sub(at, 'role'));
    if (typeof m.role !== 'string') throw invalidType(sub(at, 'role'), 'a string', m.role);
    oneOf(m.role, sub(at, 'role'), ROLES);
    const assistant = m.role === 'assistant' || m.role === 'function';
    if (m.content === undefined) {
      if (!assistant) throw missing(sub(at, 'content'));
    } else {
      checkContent(m.content, sub(at, 'content'), assistant);
    }
    optionalString(m.name, sub(at, 'name'));
    checkToolCalls(m.tool_calls, sub(at, 'tool_calls'));
    if (m.role === 'tool') requiredString(m.tool_call_id, sub(at, 'tool_call_id'));
    else optionalString(m.tool_call_id, sub(at, 'tool_call_id'));
    optionalString(m.refusal, sub(at, 'refusal'));
    optionalObject(m.audio, sub(at, 'audio'));
    if (m.function_call !== undefined && m.function_call !== null) {
      if (!isObject(m.function_call)) throw invalidType(sub(at, 'function_call'), 'an object', m.function_call);
      requiredString(m.function_call.name, sub(at, 'function_call.name'));
      optionalString(m.function_call.arguments, sub(at, 'function_call.arguments'));
    }
  }
}
