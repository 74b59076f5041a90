/**
 * The path and query a passthrough request may send on. The rest of the path is appended to the
 * provider's `base-url`, so it must not climb out of it: a segment that is, or decodes to, `.` or
 * `..`, or that hides a slash or backslash in percent-encoding, is refused — whatever a server
 * further along would make of it. Credentials in the query (Gemini's `?key=`) are dropped like
 * credential headers, under any spelling of the name.
 */
import { GatewayError } from '../core/gateway-error.js';

const badPath = (why: string): GatewayError =>
  new GatewayError({ status: 400, code: 'invalid_path', message: `The passthrough path ${why}; it must stay inside the provider's base-url.` });

/** Decodes up to three layers of percent-encoding (double-encoded dots are an old trick). */
function decoded(segment: string): string {
  let text = segment;
  for (let i = 0; i < 3 && text.includes('%'); i++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw badPath('has invalid percent-encoding');
    }
  }
  return text;
}

/** Checks the segments after the provider name; returns them joined. Plain paths cost one scan. */
export function passthroughRest(segments: readonly string[], from: number): string {
  const rest = segments.slice(from).join('/');
  if (!/[.%\\]/.test(rest)) return rest;
  for (let i = from; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.includes('\\')) throw badPath('contains a backslash');
    const text = decoded(segment);
    if (text === '.' || text === '..') throw badPath('contains a dot segment ("." or "..")');
    if (text.includes('/') || text.includes('\\')) throw badPath('contains an encoded slash');
  }
  return rest;
}

/** Names of query parameters that carry a client's credential (compared decoded, lower-case). */
const CREDENTIAL_PARAMS = new Set(['key', 'api_key', 'api-key', 'apikey', 'access_token']);

function paramName(pair: string): string {
  const eq = pair.indexOf('=');
  const raw = (eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw).trim().toLowerCase();
  } catch {
    // Undecodable: treat it as what it might be, so it cannot smuggle a key past the check.
    return 'key';
  }
}

/** `query` includes its `?` (or is empty). Pairs that are kept are kept byte for byte. */
export function withoutKeyParam(query: string): string {
  if (query.length <= 1) return '';
  const pairs = query.slice(1).split('&');
  const kept = pairs.filter((pair) => pair !== '' && !CREDENTIAL_PARAMS.has(paramName(pair)));
  if (kept.length === pairs.length) return query;
  return kept.length > 0 ? `?${kept.join('&')}` : '';
}
