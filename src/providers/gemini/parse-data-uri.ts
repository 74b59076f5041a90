/** `data:<mime>;base64,<data>` → Gemini `inlineData`; anything else (URL-encoded data, no mime) → undefined. */
export function parseDataUri(uri: string): { mimeType: string; data: string } | undefined {
  if (!uri.startsWith('data:')) return undefined;
  const comma = uri.indexOf(',');
  if (comma < 0) return undefined;
  const header = uri.slice(5, comma);
  if (!header.endsWith(';base64')) return undefined;
  const mimeType = header.slice(0, header.indexOf(';'));
  if (mimeType === '') return undefined;
  return { mimeType, data: uri.slice(comma + 1) };
}
