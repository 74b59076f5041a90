/**
 * Bedrock errors → GatewayError. HTTP errors carry `{message}` (sometimes `Message`) and the
 * exception name in `x-amzn-errortype: <Name>:<namespace>`; stream errors arrive as exception
 * frames named in lower camel case (`throttlingException`). Both go through one table.
 * Bedrock sends no rate-limit headers; `retry-after` is kept when a proxy in front adds one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, parseRetryAfter } from '../../core/gateway-error.js';

/** Lower-cased exception name → gateway status. Names not listed keep the upstream status. */
const STATUS_BY_EXCEPTION: Record<string, number> = {
  validationexception: 400,
  servicequotaexceededexception: 429,
  throttlingexception: 429,
  accessdeniedexception: 403,
  unrecognizedclientexception: 401,
  invalidsignatureexception: 401,
  incompletesignatureexception: 401,
  missingauthenticationtokenexception: 401,
  expiredtokenexception: 401,
  resourcenotfoundexception: 404,
  modelerrorexception: 424,
  modelstreamerrorexception: 424,
  modelnotreadyexception: 503,
  modeltimeoutexception: 504,
  internalserverexception: 500,
  serviceunavailableexception: 503,
};

interface BedrockErrorBody {
  message?: unknown;
  Message?: unknown;
  __type?: unknown;
  code?: unknown;
}

/** `ThrottlingException:http://…` or `com.amazon…#ThrottlingException` → `ThrottlingException`. */
function exceptionName(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  const colon = raw.indexOf(':');
  const name = colon >= 0 ? raw.slice(0, colon) : raw;
  const hash = name.lastIndexOf('#');
  return hash >= 0 ? name.slice(hash + 1) : name;
}

function exceptionError(name: string | undefined, fallbackStatus: number, message: string, provider: string, retryAfter?: number): GatewayError {
  const key = name?.toLowerCase();
  const status = (key && STATUS_BY_EXCEPTION[key]) || fallbackStatus;
  return new GatewayError({
    status,
    message: `${provider}: ${message}`,
    // A hard quota is not worth retrying soon; OpenAI clients know this code.
    code: key === 'servicequotaexceededexception' ? 'insufficient_quota' : (name ?? null),
    // A failed model stream is an upstream fault, not a client mistake.
    type: key === 'modelerrorexception' || key === 'modelstreamerrorexception' ? 'api_error' : undefined,
    retryAfter,
    provider,
  });
}

export function mapBedrockError(status: number, headers: IncomingHttpHeaders, body: string, provider: string): GatewayError {
  let parsed: BedrockErrorBody | undefined;
  try {
    const value: unknown = JSON.parse(body);
    parsed = typeof value === 'object' && value !== null ? (value as BedrockErrorBody) : undefined;
  } catch {
    parsed = undefined;
  }
  const header = headers['x-amzn-errortype'];
  const name = exceptionName(Array.isArray(header) ? header[0] : header) ?? exceptionName(parsed?.__type) ?? exceptionName(parsed?.code);
  const rawMessage = parsed?.message ?? parsed?.Message;
  const message =
    typeof rawMessage === 'string' && rawMessage
      ? rawMessage
      : body.trim().slice(0, 500) || `upstream answered HTTP ${status}${name ? ` (${name})` : ''}`;
  return exceptionError(name, status, message, provider, parseRetryAfter(headers['retry-after']));
}

/** A `:message-type=exception` frame mid-stream. */
export function mapBedrockStreamException(exceptionType: string | undefined, payload: string, provider: string): GatewayError {
  let message: string | undefined;
  try {
    const parsed = JSON.parse(payload) as BedrockErrorBody;
    const raw = parsed?.message ?? parsed?.Message;
    if (typeof raw === 'string') message = raw;
  } catch {
    message = undefined;
  }
  const name = exceptionType ? exceptionType.charAt(0).toUpperCase() + exceptionType.slice(1) : undefined;
  return exceptionError(name, 502, message || payload.slice(0, 500) || name || 'stream error', provider);
}
