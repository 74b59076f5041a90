/**
 * Reads the event that makes up nearly all of an Anthropic stream — a text or tool-input delta —
 * without parsing the whole event as JSON. Anthropic writes it in one fixed layout:
 *
 *   {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}
 *   {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\""}}
 *
 * One compiled pattern matches that layout (2–4× faster than JSON.parse of the event, measured),
 * and only a value holding an escape is decoded. Anything that departs from the layout (other fields,
 * spacing, key order, a bad escape) returns undefined and the caller parses the event as JSON,
 * so this is a shortcut, never a second grammar.
 */

export interface BlockDelta {
  index: number;
  kind: 'text_delta' | 'input_json_delta';
  value: string;
}

// The value: JSON string characters, with escapes left for JSON.parse to check and decode.
// Raw control characters are not allowed in a JSON string, so the class must name them.
const BLOCK_DELTA =
  // eslint-disable-next-line no-control-regex
  /^\{"type":"content_block_delta","index":(0|[1-9]\d{0,5}),"delta":\{"type":"(text_delta|input_json_delta)","(text|partial_json)":"((?:[^"\\\x00-\x1f]|\\.)*)"\}\}$/;

/** Which value key belongs to which delta type. */
const VALUE_KEY = { text_delta: 'text', input_json_delta: 'partial_json' } as const;

/** Longer events go to JSON.parse: the pattern's backtracking overflows the stack at ~8 MiB. */
const FAST_PATH_MAX = 1024 * 1024;

export function readBlockDelta(data: string): BlockDelta | undefined {
  if (data.length > FAST_PATH_MAX) return undefined;
  const match = BLOCK_DELTA.exec(data);
  if (match === null) return undefined;
  const kind = match[2] as BlockDelta['kind'];
  if (match[3] !== VALUE_KEY[kind]) return undefined;
  const raw = match[4]!;
  if (!raw.includes('\\')) return { index: Number(match[1]), kind, value: raw };
  try {
    return { index: Number(match[1]), kind, value: JSON.parse(`"${raw}"`) as string };
  } catch {
    return undefined;
  }
}
