/**
 * Where in a broken body the problem is, as a field path (`messages[1].content`), so a syntax
 * error or a bad byte is reported against the field like every other 400. Only runs on the
 * error path; a well-formed request never gets here.
 */

/** Byte offset of the first invalid UTF-8 sequence (overlong forms and surrogates included), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const extra = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (extra < 0 || i + extra >= bytes.length) return i;
    for (let k = 1; k <= extra; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    const next = bytes[i + 1];
    if ((c === 0xe0 && next < 0xa0) || (c === 0xed && next > 0x9f) || (c === 0xf0 && next < 0x90) || (c === 0xf4 && next > 0x8f)) return i;
    i += extra + 1;
  }
  return -1;
}

interface Level {
  array: boolean;
  /** Array index, or the object key whose value is being read (undefined between members). */
  key: string | number | undefined;
}

/** The field path at character `offset` of JSON text, or null when it is at the top level. */
export function jsonPathAt(text: string, offset: number): string | null {
  const stack: Level[] = [];
  let lastString = '';
  let i = 0;
  const end = Math.min(offset, text.length);
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      const top = stack.at(-1);
      if (j >= end) {
        // The offset is inside this string: a key being named, or the value of the current key.
        if (top && !top.array && top.key === undefined) top.key = decodeKey(text.slice(i + 1, Math.min(j, end)));
        break;
      }
      lastString = text.slice(i + 1, j);
      i = j + 1;
      continue;
    }
    const top = stack.at(-1);
    if (c === 0x7b /* { */) stack.push({ array: false, key: undefined });
    else if (c === 0x5b /* [ */) stack.push({ array: true, key: 0 });
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x3a /* : */ && top && !top.array) top.key = decodeKey(lastString);
    else if (c === 0x2c /* , */ && top) top.key = top.array ? (top.key as number) + 1 : undefined;
    i++;
  }
  let path = '';
  for (const level of stack) {
    if (level.key === undefined) break;
    path = typeof level.key === 'number' ? `${path}[${level.key}]` : path === '' ? level.key : `${path}.${level.key}`;
  }
  return path === '' ? null : path;
}

function decodeKey(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
