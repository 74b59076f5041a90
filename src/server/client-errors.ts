/**
 * What Node's HTTP parser refuses (bad framing, oversized headers, a request that took too
 * long to arrive) is answered here, on the raw socket, as an OpenAI-shaped error — then the
 * connection is closed, since the rest of the byte stream cannot be trusted.
 */
import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import { GatewayError } from '../core/gateway-error.js';

/** Marks a socket the gateway refused, so the request read that it cut short is logged as what it was. */
const REFUSED = Symbol('refused by the parser');

interface ParserError extends Error {
  code?: string;
  reason?: string;
}

interface HttpSocket extends Socket {
  [REFUSED]?: string;
  /** Node's in-flight response on this socket (set while a request is being handled). */
  _httpMessage?: { headersSent: boolean } | null;
}

export function clientErrorFor(err: ParserError): GatewayError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new GatewayError({ status: 431, code: 'request_headers_too_large', message: `The request headers are larger than the gateway accepts (${maxHeaderSize} bytes in total).` });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new GatewayError({
        status: 408,
        code: 'request_timeout',
        message: 'The request did not arrive in time (server.header-timeout for the headers, server.body-timeout for the whole request).',
      });
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new GatewayError({ status: 413, code: 'request_too_large', message: 'The request has oversized chunk extensions.' });
    default:
      return new GatewayError({
        status: 400,
        code: 'malformed_http_request',
        message: `The request is not valid HTTP/1.1${err.reason ? ` (${err.reason.replace(/[^\x20-\x7e]/g, '')})` : ''}.`,
      });
  }
}

function rawResponse(error: GatewayError): string {
  const body = JSON.stringify(error.toBody());
  return `HTTP/1.1 ${error.status} ${STATUS_TEXT[error.status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 413: 'Content Too Large', 431: 'Request Header Fields Too Large' };

/** The peer reset, vanished, or closed in the middle of a request: there is nobody to answer. */
const CLIENT_LEFT = new Set(['ECONNRESET', 'EPIPE', 'HPE_INVALID_EOF_STATE']);

/** The server's `clientError` listener. */
export function onClientError(err: ParserError, socket: Socket): void {
  const s = socket as HttpSocket;
  s[REFUSED] = err.code ?? 'unknown';
  const answerable = s.writable && !s._httpMessage?.headersSent && !CLIENT_LEFT.has(err.code ?? '');
  if (answerable) {
    s.end(rawResponse(clientErrorFor(err)));
    // Half-open sockets linger until the peer closes; a hostile peer never does.
    s.destroySoon();
  } else {
    s.destroy();
  }
}

/** Why a request body stopped arriving: the gateway's refusal, or the client leaving. */
export function whyBodyStopped(socket: Socket | null): string {
  const code = socket ? (socket as HttpSocket)[REFUSED] : undefined;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request body did not arrive within server.body-timeout; connection closed';
  if (code !== undefined && !CLIENT_LEFT.has(code)) return `request body was not valid HTTP (${code}); connection closed`;
  return 'client closed the connection while sending its request body';
}
