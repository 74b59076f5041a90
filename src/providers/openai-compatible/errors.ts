/** OpenAI-dialect error bodies are already in the right shape; keep their fields and status. */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, parseRetryAfter } from '../../core/gateway-error.js';

interface OpenAIErrorShape {
  error?: { message?: unknown; type?: unknown; param?: unknown; code?: unknown } | string;
  message?: unknown;
  detail?: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

export function mapOpenAIError(status: number, headers: IncomingHttpHeaders, body: string, provider: string): GatewayError {
  let parsed: OpenAIErrorShape | undefined;
  try {
    parsed = JSON.parse(body) as OpenAIErrorShape;
  } catch {
    parsed = undefined;
  }
  // Some compatible servers answer with an array (Gemini's compat layer) or a bare message.
  if (Array.isArray(parsed)) parsed = parsed[0] as OpenAIErrorShape;
  const inner = typeof parsed?.error === 'object' && parsed.error !== null ? parsed.error : undefined;
  const message =
    str(inner?.message) ??
    (typeof parsed?.error === 'string' ? parsed.error : null) ??
    str(parsed?.message) ??
    str(parsed?.detail) ??
    (body.trim().slice(0, 500) || `upstream answered HTTP ${status}`);
  return new GatewayError({
    status,
    message: `${provider}: ${message}`,
    type: str(inner?.type) ?? undefined,
    code: str(inner?.code),
    param: str(inner?.param),
    retryAfter: parseRetryAfter(headers['retry-after']),
    provider,
  });
}
