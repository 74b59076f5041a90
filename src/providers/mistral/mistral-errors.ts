/**
 * Mistral error bodies → GatewayError (status and `retry-after` kept).
 *
 * Shapes seen: `{object:"error", message, type, param, code}` where `message` may itself be a
 * validation object (`{detail:[{loc, msg, type}]}`) on 422; `{message, request_id}` (401/429);
 * `{detail: "…"}` or `{detail:[…]}` (validation).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, parseRetryAfter } from '../../core/gateway-error.js';

interface ValidationIssue {
  loc?: unknown;
  msg?: unknown;
}

interface MistralErrorBody {
  message?: unknown;
  detail?: unknown;
  param?: unknown;
  code?: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** `loc: ["body", "messages", 2, "content"]` → `messages.2.content`. */
function locToParam(loc: unknown): string | null {
  if (!Array.isArray(loc)) return null;
  const parts = loc[0] === 'body' ? loc.slice(1) : loc;
  return parts.length > 0 ? parts.join('.') : null;
}

function describeIssues(detail: unknown): { message: string; param: string | null } | null {
  if (!Array.isArray(detail) || detail.length === 0) return null;
  const issues = detail as ValidationIssue[];
  const message = issues
    .map((issue) => {
      const where = locToParam(issue.loc);
      const what = str(issue.msg) ?? 'invalid';
      return where ? `${where}: ${what}` : what;
    })
    .join('; ');
  return { message, param: locToParam(issues[0].loc) };
}

function describe(body: MistralErrorBody): { message: string | null; param: string | null } {
  const message = body.message;
  if (typeof message === 'string') return { message, param: str(body.param) };
  if (message && typeof message === 'object') {
    const issues = describeIssues((message as { detail?: unknown }).detail);
    if (issues) return issues;
    return { message: JSON.stringify(message), param: str(body.param) };
  }
  const issues = describeIssues(body.detail);
  if (issues) return issues;
  return { message: str(body.detail), param: str(body.param) };
}

export function mapMistralError(status: number, headers: IncomingHttpHeaders, body: string, provider: string): GatewayError {
  let parsed: MistralErrorBody | undefined;
  try {
    const value: unknown = JSON.parse(body);
    if (value && typeof value === 'object' && !Array.isArray(value)) parsed = value as MistralErrorBody;
  } catch {
    parsed = undefined;
  }
  const found = parsed ? describe(parsed) : { message: null, param: null };
  const message = found.message ?? (body.trim().slice(0, 500) || `upstream answered HTTP ${status}`);
  return new GatewayError({
    status,
    message: `${provider}: ${message}`,
    code: parsed ? str(parsed.code) : null,
    param: found.param,
    retryAfter: parseRetryAfter(headers['retry-after']),
    provider,
  });
}
