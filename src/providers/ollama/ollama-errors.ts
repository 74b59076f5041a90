/**
 * Ollama error bodies → GatewayError. The native API answers `{"error":"…"}`, the `/v1` shim
 * `{"error":{"message","type"}}`; both keep the HTTP status. A model that was never pulled is a
 * 404 whose message says so; the gateway turns it into advice the operator can act on.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, parseRetryAfter } from '../../core/gateway-error.js';

interface OllamaErrorBody {
  error?: string | { message?: unknown; type?: unknown };
}

function errorMessage(body: string): string | null {
  let parsed: OllamaErrorBody;
  try {
    parsed = JSON.parse(body) as OllamaErrorBody;
  } catch {
    return null;
  }
  const err = parsed?.error;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && typeof err.message === 'string') return err.message;
  return null;
}

/** `model "llama3:8b" not found, try pulling it first` → `llama3:8b`. */
function modelInMessage(message: string): string | null {
  const start = message.indexOf('"');
  if (start < 0) return null;
  const end = message.indexOf('"', start + 1);
  return end > start + 1 ? message.slice(start + 1, end) : null;
}

export function mapOllamaError(status: number, headers: IncomingHttpHeaders, body: string, provider: string): GatewayError {
  const upstream = errorMessage(body) ?? (body.trim().slice(0, 500) || `upstream answered HTTP ${status}`);
  const retryAfter = parseRetryAfter(headers['retry-after']);
  if (status === 404 && upstream.includes('not found')) {
    const model = modelInMessage(upstream);
    const pull = `ollama pull ${model ?? '<model>'}`;
    return new GatewayError({
      status: 404,
      message: `${provider}: model ${model ? `"${model}" ` : ''}is not available on this Ollama server; run \`${pull}\` there first (Ollama said: ${upstream})`,
      code: 'model_not_found',
      param: 'model',
      retryAfter,
      provider,
    });
  }
  return new GatewayError({ status, message: `${provider}: ${upstream}`, retryAfter, provider });
}
