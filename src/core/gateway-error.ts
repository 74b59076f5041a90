/**
 * The one error type of the gateway. Whatever goes wrong — bad input, a provider refusing,
 * a socket closing — ends up as a GatewayError, and the server renders it in OpenAI's shape.
 */

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'server_error'
  | 'timeout_error';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface GatewayErrorInit {
  status: number;
  message: string;
  type?: ErrorType | string;
  code?: string | null;
  param?: string | null;
  /** Seconds, as given to the client in `retry-after`. */
  retryAfter?: number;
  /** Provider that produced the error, when one did. */
  provider?: string;
  /** A few words on what happened (`connect ECONNREFUSED`), for attempt lists and log lines. */
  reason?: string;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryAfter: number | undefined;
  readonly provider: string | undefined;
  readonly reason: string | undefined;

  constructor(init: GatewayErrorInit) {
    super(init.message);
    this.name = 'GatewayError';
    this.status = init.status;
    this.type = init.type ?? typeForStatus(init.status);
    this.code = init.code ?? null;
    this.param = init.param ?? null;
    this.retryAfter = init.retryAfter;
    this.provider = init.provider;
    this.reason = init.reason;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function typeForStatus(status: number): ErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 504 || status === 408) return 'timeout_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new GatewayError({ status: 400, message, param, code, type: 'invalid_request_error' });

/** Parses `retry-after` (seconds or an HTTP date) into whole seconds. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs));
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
