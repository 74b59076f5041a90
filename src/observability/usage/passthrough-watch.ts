/**
 * What the pipeline's events say about a `/{provider}/…` passthrough request, which bypasses
 * the pipeline (its bodies are relayed, never parsed): one attempt with its credential, the
 * first byte, and usage where the provider's answer carries it — read with the same tap as
 * piped answers (Gemini's `usageMetadata`, Bedrock's event-stream frames hold their JSON as
 * bytes too). The model is taken from the answer's first `"model":"…"`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderEntry } from '../../config/compile.js';
import type { GatewayError } from '../../core/gateway-error.js';
import { UsageTap } from '../../pipeline/egress/usage-tap.js';
import { observeRequest } from '../../pipeline/run.js';
import { credentialIdOf, type CredentialStatus } from '../../secrets/credential-store.js';
import type { RequestContext } from '../../server/context.js';
import type { Gateway } from '../../server/gateway.js';
import type { UsageFamily } from './usage-object.js';

const MODEL_KEY = '"model":"';

function familyOf(entry: ProviderEntry, path: string | undefined): { family: UsageFamily; key?: string } {
  switch (entry.kind) {
    case 'anthropic':
      return { family: 'anthropic' };
    case 'gemini':
      return { family: 'gemini', key: '"usageMetadata":{' };
    case 'vertex':
      return path?.includes('/publishers/anthropic/') ? { family: 'anthropic' } : { family: 'gemini', key: '"usageMetadata":{' };
    case 'bedrock':
      return { family: 'bedrock' };
    default:
      return { family: 'openai' };
  }
}

export class PassthroughWatch {
  private readonly provider: string;
  private readonly credential: string;
  private readonly startedAt: number;
  private tap: UsageTap | undefined;
  private model = '';
  private first = true;

  constructor(
    private readonly gw: Gateway,
    private readonly ctx: RequestContext,
    private readonly entry: ProviderEntry,
    status: Extract<CredentialStatus, { found: true }>,
  ) {
    this.provider = entry.runtime.name;
    this.credential = credentialIdOf(status);
    observeRequest(gw, ctx, { endpoint: 'passthrough', route: null, model: null, stream: false, dialect: 'passthrough' });
    this.startedAt = gw.compiled.clock();
    gw.bus.emit({ type: 'attempt_start', requestId: ctx.id, attempt: 1, provider: this.provider, model: '', credential: this.credential, mode: 'piped', at: this.startedAt });
  }

  /** The provider's response headers arrived (or the request failed before any). */
  answered(response: { statusCode: number; headers: IncomingHttpHeaders } | undefined, error?: GatewayError): void {
    const now = this.gw.compiled.clock();
    const status = response?.statusCode ?? error?.status;
    const ok = response !== undefined && response.statusCode < 400;
    this.gw.bus.emit({ type: 'attempt_end', requestId: this.ctx.id, attempt: 1, provider: this.provider, credential: this.credential, ok, status, upstreamStatus: response?.statusCode, error, upstreamMs: now - this.startedAt, at: now });
    if (!ok || !response) return;
    const type = String(response.headers['content-type'] ?? '');
    const stream = type.startsWith('text/event-stream') || type.startsWith('application/vnd.amazon.eventstream');
    if (stream || type.includes('json')) this.tap = new UsageTap({ ...familyOf(this.entry, this.ctx.req.url), stream, dropUsageEvent: false });
  }

  data(chunk: Buffer): void {
    if (this.first) {
      this.first = false;
      this.gw.bus.emit({ type: 'first_byte', requestId: this.ctx.id, provider: this.provider, ms: this.ctx.elapsedMs() });
      const at = chunk.indexOf(MODEL_KEY, 0, 'latin1');
      if (at !== -1) {
        const end = chunk.indexOf('"', at + MODEL_KEY.length, 'latin1');
        if (end !== -1 && end - at < 200) this.model = chunk.toString('utf8', at + MODEL_KEY.length, end);
      }
    }
    this.tap?.pass(chunk);
  }

  end(complete: boolean): void {
    const usage = this.tap?.usage();
    if (!usage && complete) return;
    const events = this.tap?.events ?? 0;
    const reported = usage ?? { prompt_tokens: 0, completion_tokens: events, total_tokens: events };
    this.gw.bus.emit({ type: 'usage', requestId: this.ctx.id, provider: this.provider, model: this.model, usage: reported, incomplete: !complete, inputKnown: usage !== undefined });
  }
}
