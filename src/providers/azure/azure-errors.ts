/**
 * Azure OpenAI error bodies → GatewayError.
 *
 * Azure answers in OpenAI's error shape (`{error:{message, type, param, code}}`), with its own
 * codes: `DeploymentNotFound` (404), `"401"`, `"429"`, `content_filter` (400, with
 * `innererror.content_filter_result`), and a gateway-level `{statusCode, message}` from the API
 * management layer in front of it. Rate limits come with `retry-after-ms` as well as `retry-after`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../../core/gateway-error.js';
import { mapOpenAIError } from '../openai-compatible/errors.js';
import { contentFilterMessage } from './content-filter.js';

interface AzureErrorBody {
  error?: { code?: unknown; innererror?: { content_filter_result?: unknown } };
}

/** `retry-after-ms` (finer, Azure's own) wins over `retry-after`; whole seconds either way. */
function retryAfterMs(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers['retry-after-ms'];
  const ms = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw !== undefined && Number.isFinite(ms) && ms >= 0 ? Math.ceil(ms / 1000) : undefined;
}

function parse(body: string): AzureErrorBody | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as AzureErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

/** What to check, for the two mistakes every first Azure setup makes. */
function hintFor(status: number, code: string | null): string {
  if (code === 'DeploymentNotFound') return ' Check the deployment name (providers.azure.deployments maps model names to deployments).';
  if (status === 404) return ' Check providers.azure.base-url (https://<resource>.openai.azure.com) and api-version.';
  return '';
}

export function mapAzureError(status: number, headers: IncomingHttpHeaders, body: string, provider: string): GatewayError {
  const base = mapOpenAIError(status, headers, body, provider);
  const inner = parse(body)?.error;
  const retryAfter = retryAfterMs(headers) ?? base.retryAfter;
  if (base.code === 'content_filter' && status === 400) {
    return new GatewayError({
      status,
      type: 'invalid_request_error',
      code: 'content_filter',
      param: base.param ?? 'prompt',
      message: contentFilterMessage(provider, inner?.innererror?.content_filter_result),
      provider,
    });
  }
  const hint = hintFor(status, base.code);
  if (!hint && retryAfter === base.retryAfter) return base;
  return new GatewayError({
    status,
    type: base.type,
    code: base.code,
    param: base.param,
    message: base.message + hint,
    retryAfter,
    provider,
  });
}
