/**
 * Cheap shape checks for request fields, with OpenAI's own error wording
 * ("Invalid type for 'temperature': expected a number, but got a string instead."), so a client
 * sees the same 400 whichever provider the request was headed for. Each check looks at one value;
 * nothing here walks a whole body except `checkTree`, which is bounded by depth.
 */
import { GatewayError, invalidRequest } from '../../core/gateway-error.js';

declare global {
  interface String {
    /** ES2024; Node 20 has it. False when the string holds a lone UTF-16 surrogate. */
    isWellFormed(): boolean;
  }
}

/**
 * Deepest nesting of a request body that is accepted. JSON.parse itself is iterative and takes any
 * depth, but JSON.stringify (translated bodies) and the schema converters recurse, and overflow
 * the stack near 10,000 levels. 128 is serde_json's default and far above any real schema.
 */
export const MAX_JSON_DEPTH = 128;

export type Path = string;

/**
 * Paths are built only when a check fails: the checks first run without them (`sub` and `item`
 * return '' and allocate nothing), and only a request that fails is checked again, with paths,
 * for an error that names the field. A long conversation would otherwise build several strings
 * per message just in case.
 */
let namingFields = false;

/** `base.key`, while naming fields. */
export function sub(base: Path, key: string): Path {
  return namingFields ? (base === '' ? key : `${base}.${key}`) : '';
}

/** `base[index]`, while naming fields. */
export function item(base: Path, index: number): Path {
  return namingFields ? `${base}[${index}]` : '';
}

/** Runs `check`; when it throws, runs it again naming fields and throws what that run throws. */
export function withFieldNames(check: () => void): void {
  try {
    check();
  } catch (err) {
    namingFields = true;
    try {
      check();
    } finally {
      namingFields = false;
    }
    throw err;
  }
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(value) ? 'an integer' : 'a decimal';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function invalidType(param: Path, expected: string, value: unknown): GatewayError {
  return invalidRequest(`Invalid type for '${param}': expected ${expected}, but got ${describeType(value)} instead.`, param, 'invalid_type');
}

export function invalidValue(param: Path, why: string): GatewayError {
  return invalidRequest(`Invalid value for '${param}': ${why}`, param, 'invalid_value');
}

export function missing(param: Path): GatewayError {
  return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `null` is OpenAI's "unset" for optional fields: every optional check lets it through. */
const unset = (v: unknown): boolean => v === null || v === undefined;

export function optionalString(value: unknown, param: Path): void {
  if (!unset(value) && typeof value !== 'string') throw invalidType(param, 'a string', value);
}

export function requiredString(value: unknown, param: Path): void {
  if (value === undefined) throw missing(param);
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
}

export function optionalBoolean(value: unknown, param: Path): void {
  if (!unset(value) && typeof value !== 'boolean') throw invalidType(param, 'a boolean', value);
}

export function requiredObject(value: unknown, param: Path): asserts value is Record<string, unknown> {
  if (value === undefined) throw missing(param);
  if (!isObject(value)) throw invalidType(param, 'an object', value);
}

export function optionalObject(value: unknown, param: Path): void {
  if (!unset(value) && !isObject(value)) throw invalidType(param, 'an object', value);
}

/** An optional array of objects, each handed to `check` with its path. */
export function optionalObjectArray(value: unknown, param: Path, check: (item: Record<string, unknown>, at: Path) => void): void {
  if (unset(value)) return;
  if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
  for (let i = 0; i < value.length; i++) {
    const entry: unknown = value[i];
    const at = item(param, i);
    if (!isObject(entry)) throw invalidType(at, 'an object', entry);
    check(entry, at);
  }
}

export function optionalStringArray(value: unknown, param: Path): void {
  if (unset(value)) return;
  if (!Array.isArray(value)) throw invalidType(param, 'an array of strings', value);
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') throw invalidType(item(param, i), 'a string', value[i]);
}

export function oneOf(value: unknown, param: Path, allowed: readonly string[]): void {
  if (unset(value)) return;
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
  if (!allowed.includes(value)) {
    throw invalidValue(param, `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'. Supported values are: ${allowed.map((a) => `'${a}'`).join(', ')}.`);
  }
}

/** A finite number within [min, max]; `integer` also refuses fractions. */
export function optionalNumber(value: unknown, param: Path, min: number, max: number, integer = false): void {
  if (unset(value)) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(param, integer ? 'an integer' : 'a number', value);
  if (integer && !Number.isInteger(value)) throw invalidType(param, 'an integer', value);
  if (value < min) throw invalidValue(param, `expected a value >= ${min}, but got ${value} instead.`);
  if (value > max) throw invalidValue(param, `expected a value <= ${max}, but got ${value} instead.`);
}

type Problem = { kind: 'depth' | 'unicode'; path: Array<string | number> };

/**
 * Depth and Unicode over a whole value: every nested object and array counts one level (the
 * body itself is level 1), and every string and key must be well-formed UTF-16 (a lone surrogate
 * such as `"\ud800"` breaks URL encoding and re-serialisation further on). Visits each node once
 * and allocates nothing unless something is wrong. `unicode: false` skips the string checks, for
 * bodies that cannot hold a lone surrogate (see `mayHoldLoneSurrogate`).
 */
export function checkTree(value: unknown, param: Path, depth: number, unicode = true): void {
  const problem = walk(value, depth, unicode);
  if (!problem) return;
  let where = param;
  for (let i = problem.path.length - 1; i >= 0; i--) {
    const step = problem.path[i];
    where = typeof step === 'number' ? `${where}[${step}]` : where === '' ? step : `${where}.${step}`;
  }
  if (problem.kind === 'depth') {
    throw invalidRequest(`The request is nested too deeply at '${where}': at most ${MAX_JSON_DEPTH} levels of objects and arrays are accepted.`, where, 'nesting_too_deep');
  }
  throw invalidRequest(`Invalid value for '${where}': the string contains a lone UTF-16 surrogate, which is not valid Unicode.`, where, 'invalid_unicode');
}

/**
 * Valid UTF-8 cannot encode a surrogate, so in a body that passed `isUtf8` a lone one can only
 * come from a `\uD800`–`\uDFFF` escape. A native search for `\u` rules that out for most bodies;
 * checking every string instead costs ~0.35 µs per KB of non-Latin-1 text.
 */
export function mayHoldLoneSurrogate(body: Buffer): boolean {
  for (let at = body.indexOf(UNICODE_ESCAPE); at !== -1; at = body.indexOf(UNICODE_ESCAPE, at + 2)) {
    const next = body[at + 2];
    if (next === 0x64 /* d */ || next === 0x44 /* D */) return true;
  }
  return false;
}

/** `\u`, as bytes: a string needle would be converted on every search. */
const UNICODE_ESCAPE = Buffer.from('\\u');

function walk(value: unknown, depth: number, unicode: boolean): Problem | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : { kind: 'unicode', path: [] };
  if (depth > MAX_JSON_DEPTH) return { kind: 'depth', path: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = visit(value[i], i, depth, unicode);
      if (problem) return problem;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (unicode && !key.isWellFormed()) return { kind: 'unicode', path: [key] };
    const problem = visit(record[key], key, depth, unicode);
    if (problem) return problem;
  }
  return undefined;
}

/** One member of a container at `depth`. Leaves are settled here; small enough for V8 to inline. */
function visit(entry: unknown, step: string | number, depth: number, unicode: boolean): Problem | undefined {
  if (typeof entry === 'string' ? !unicode || entry.isWellFormed() : typeof entry !== 'object' || entry === null) return undefined;
  const problem = walk(entry, depth + 1, unicode);
  problem?.path.push(step);
  return problem;
}
