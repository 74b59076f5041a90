/**
 * Thought signatures must travel back with the function calls they came with (Gemini 3 answers
 * 400 otherwise), but OpenAI clients keep nothing except the tool-call id. So the signature rides
 * inside the id: `<id>__thought__<signature>`. Signatures are base64 and never contain `_`.
 */

const MARKER = '__thought__';

/** Google's documented value for replaying a function call whose signature was lost. */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

export function encodeToolCallId(id: string, signature: string | undefined): string {
  return signature ? id + MARKER + signature : id;
}

export function decodeToolCallId(encoded: string): { id: string; signature: string | undefined } {
  const at = encoded.indexOf(MARKER);
  if (at < 0) return { id: encoded, signature: undefined };
  return { id: encoded.slice(0, at), signature: encoded.slice(at + MARKER.length) || undefined };
}

/** Models before Gemini 3 neither need nor check signatures on replayed calls. */
const UNSIGNED_FAMILIES = ['gemini-1', 'gemini-2', 'gemma'];

export function modelChecksThoughtSignatures(model: string): boolean {
  const bare = model.startsWith('models/') ? model.slice('models/'.length) : model;
  return !UNSIGNED_FAMILIES.some((family) => bare.startsWith(family));
}

/**
 * Gemini API calls usually come without ids; generated ones include the request id so they stay
 * unique across the turns of a conversation (clients key tool results by id).
 */
export function geminiToolCallId(callId: string | undefined, signature: string | undefined, requestId: string, n: number): string {
  return encodeToolCallId(callId || `call_${requestId}_${n}`, signature);
}
