/**
 * Splits `data:<mime>;base64,<payload>` without a regex: image payloads run to megabytes and the
 * base64 text is forwarded as it is (Converse takes blob fields as base64 in JSON).
 */
export interface DataUri {
  mime: string;
  base64: string;
}

/** Returns undefined for anything that is not a base64 data URI. */
export function parseDataUri(url: string): DataUri | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma);
  if (!meta.endsWith(';base64')) return undefined;
  const semi = meta.indexOf(';');
  return { mime: meta.slice(0, semi).trim().toLowerCase(), base64: url.slice(comma + 1) };
}
