/**
 * Header hygiene for the passthrough proxy: hop-by-hop headers stay on their hop (RFC 9110
 * §7.6.1) and no client credential ever reaches a provider — the gateway adds its own.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

/** Client headers that carry credentials for some provider. */
const CLIENT_CREDENTIALS = new Set(['authorization', 'x-api-key', 'api-key', 'x-goog-api-key', 'cookie']);

/**
 * Also never forwarded: the gateway sets these itself. `expect: 100-continue` was answered by
 * the gateway already (Node sends the 100); the upstream hop has the whole body to send.
 */
const GATEWAY_OWNED = new Set(['host', 'x-request-id', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'expect']);

/**
 * Never relayed back: the provider's CORS policy (often `*`) must not become the gateway's,
 * which holds the keys — the gateway answers CORS itself (cors.ts).
 */
const DOWNSTREAM_DROPPED = new Set([
  ...HOP_BY_HOP, 'x-request-id',
  'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods',
  'access-control-allow-headers', 'access-control-expose-headers', 'access-control-max-age',
]);

function connectionListed(headers: IncomingHttpHeaders): Set<string> | undefined {
  const value = headers.connection;
  if (!value) return undefined;
  return new Set(value.split(',').map((v) => v.trim().toLowerCase()));
}

export function upstreamHeaders(client: IncomingHttpHeaders): Record<string, string> {
  const listed = connectionListed(client);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || CLIENT_CREDENTIALS.has(name) || GATEWAY_OWNED.has(name) || listed?.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function downstreamHeaders(upstream: IncomingHttpHeaders, into: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(upstream);
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || DOWNSTREAM_DROPPED.has(name) || listed?.has(name)) continue;
    into[name] = value;
  }
  return into;
}
