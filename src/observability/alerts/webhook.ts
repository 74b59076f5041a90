/**
 * One webhook's delivery queue: messages are POSTed one at a time, each with a timeout, retried
 * with exponential backoff (and the receiver's Retry-After) on a network failure, a timeout, a
 * 5xx, 408 or 429. Nothing waits for it: `send` only queues (bounded; a full queue drops the
 * message and logs it) and the POST starts on a later turn. The URL is used, never logged: its
 * path and query are cut out of every reason that could quote them.
 */
import type { AlertLog } from './alert-log.js';
import type { Alert } from './types.js';

export type Fetch = typeof globalThis.fetch;

export interface DeliveryOptions {
  /** Deadline of one POST, milliseconds. */
  timeoutMs: number;
  /** Tries after the first. */
  retries: number;
  /** The first retry's wait; it doubles with each retry (with jitter), up to MAX_WAIT_MS. */
  backoffMs: number;
  /** Messages waiting for this webhook; more are dropped. */
  maxQueue: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { timeoutMs: 5_000, retries: 3, backoffMs: 1_000, maxQueue: 100 };

const MAX_WAIT_MS = 30_000;
/** Of the receiver's refusal, enough to say why (Slack: `invalid_payload`, `no_service`). */
const SNIPPET_CHARS = 160;

interface Pending {
  alert: Alert;
  body: string;
}

type Outcome = { ok: true; status: number } | { ok: false; retry: boolean; reason: string; waitMs?: number };

export class Webhook {
  readonly host: string;
  private readonly secretParts: string[];
  private readonly queue: Pending[] = [];
  private running = false;
  private closed = false;
  private readonly stop = new AbortController();
  private waiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly fetch: Fetch,
    private readonly log: AlertLog,
    private readonly options: DeliveryOptions,
    private readonly random: () => number = Math.random,
  ) {
    const parsed = new URL(url);
    this.host = parsed.host;
    const pathAndQuery = `${parsed.pathname}${parsed.search}`;
    this.secretParts = [url, parsed.href, pathAndQuery, parsed.pathname, parsed.search, parsed.username, parsed.password].filter((p) => p.length > 1)
      .sort((a, b) => b.length - a.length);
  }

  send(alert: Alert, body: string): void {
    if (this.closed) return this.log.undelivered(alert.rule, this.name, this.host, 0, 'the gateway is shutting down');
    if (this.queue.length >= this.options.maxQueue) {
      return this.log.undelivered(alert.rule, this.name, this.host, 0, `queue full (${this.queue.length} messages waiting)`);
    }
    this.queue.push({ alert, body });
    if (!this.running) {
      this.running = true;
      setImmediate(() => void this.pump());
    }
  }

  /** Resolves once nothing is queued or being sent. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Refuses new messages (shutdown); what is queued is still sent until `abort`. */
  close(): void {
    this.closed = true;
  }

  /** Ends the POST in flight and any wait; what is left is logged as undelivered. */
  abort(): void {
    this.closed = true;
    this.stop.abort();
  }

  private async pump(): Promise<void> {
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) await this.deliver(next);
    this.running = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async deliver({ alert, body }: Pending): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.stop.signal.aborted) return this.log.undelivered(alert.rule, this.name, this.host, attempt - 1, 'the gateway is shutting down');
      const outcome = await this.post(body);
      if (outcome.ok) return this.log.delivered(alert.rule, this.name, this.host, outcome.status, attempt);
      if (!outcome.retry || attempt > this.options.retries || this.stop.signal.aborted) {
        return this.log.undelivered(alert.rule, this.name, this.host, attempt, outcome.reason);
      }
      const waitMs = Math.round(outcome.waitMs ?? this.backoff(attempt));
      this.log.retrying(alert.rule, this.name, this.host, attempt, outcome.reason, waitMs);
      await this.sleep(waitMs);
    }
  }

  /** Exponential with equal jitter: half the step fixed, half random. */
  private backoff(attempt: number): number {
    const step = Math.min(MAX_WAIT_MS, this.options.backoffMs * 2 ** (attempt - 1));
    return step / 2 + (this.random() * step) / 2;
  }

  private async post(body: string): Promise<Outcome> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    try {
      const response = await this.fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.any([timeout.signal, this.stop.signal]),
      });
      const answer = await response.text().catch(() => '');
      if (response.ok) return { ok: true, status: response.status };
      const status = response.status;
      const snippet = this.scrub(answer.slice(0, SNIPPET_CHARS)).replace(/\s+/g, ' ').trim();
      return {
        ok: false,
        retry: status >= 500 || status === 408 || status === 429,
        reason: `status ${status}${snippet ? `: ${snippet}` : ''}`,
        waitMs: retryAfterMs(response.headers.get('retry-after')),
      };
    } catch (err) {
      if (this.stop.signal.aborted) return { ok: false, retry: false, reason: 'the gateway is shutting down' };
      if (timeout.signal.aborted) return { ok: false, retry: true, reason: `no answer within ${this.options.timeoutMs}ms` };
      return { ok: false, retry: true, reason: this.scrub(describeFailure(err)) };
    } finally {
      clearTimeout(timer);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stop.signal.addEventListener('abort', done);
    });
  }

  /** Cuts the URL's secret parts out of text that might quote it (an error, a receiver's answer). */
  private scrub(text: string): string {
    let out = text;
    for (const part of this.secretParts) out = out.split(part).join('…');
    return out;
  }
}

/** `fetch failed` says nothing: its cause has the code (ECONNREFUSED, ENOTFOUND, …). */
function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause.code === 'string') return `${err.message}: ${cause.code}`;
  if (cause && typeof cause.message === 'string') return `${err.message}: ${cause.message}`;
  return err.message;
}

/** Seconds or an HTTP date, capped; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_WAIT_MS) : undefined;
}
