/**
 * Mistral accepts only tool-call ids of exactly nine ASCII letters or digits, in assistant
 * `tool_calls[].id` and in the answering `tool_call_id`. Conversations often carry ids minted by
 * other providers (`call_…`, `toolu_…`), so foreign ids are hashed into that alphabet.
 *
 * The hash is pure, so one id maps the same way on every turn of a conversation; ids that are
 * already valid (Mistral's own) are kept, and collisions inside one request are re-salted.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage } from '../../core/chat-types.js';

const ID_LENGTH = 9;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function isMistralToolCallId(id: string): boolean {
  if (id.length !== ID_LENGTH) return false;
  for (let i = 0; i < ID_LENGTH; i++) if (!isAlphanumeric(id.charCodeAt(i))) return false;
  return true;
}

/** Nine base-62 characters from SHA-256 of the id (plus a salt when re-hashing a collision). */
export function hashToolCallId(id: string, salt = 0): string {
  const digest = createHash('sha256').update(salt === 0 ? id : `${id}\u0000${salt}`).digest();
  let out = '';
  for (let i = 0; i < ID_LENGTH; i++) out += ALPHABET[digest[i] % ALPHABET.length];
  return out;
}

/**
 * Builds the id map for one request: every id seen in assistant tool calls or tool messages,
 * mapped to a unique valid Mistral id. Valid ids are reserved first so a hash never takes them.
 */
export function buildToolCallIdMap(messages: readonly ChatMessage[]): Map<string, string> {
  const map = new Map<string, string>();
  const foreign = new Set<string>();
  const note = (id: string | undefined) => {
    if (id === undefined || map.has(id)) return;
    if (isMistralToolCallId(id)) map.set(id, id);
    else foreign.add(id);
  };
  for (const message of messages) {
    if (message.tool_calls) for (const call of message.tool_calls) note(call.id);
    if (message.role === 'tool') note(message.tool_call_id);
  }
  if (foreign.size === 0) return map;
  const taken = new Set(map.values());
  for (const id of foreign) {
    let salt = 0;
    let short = hashToolCallId(id);
    while (taken.has(short)) short = hashToolCallId(id, ++salt);
    taken.add(short);
    map.set(id, short);
  }
  return map;
}
