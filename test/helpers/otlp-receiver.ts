/**
 * A local OTLP/HTTP traces receiver: accepts what the JSON exporter POSTs to /v1/traces and
 * keeps every span, flattened with its resource's attributes.
 *
 *   const rx = await startOtlpReceiver();
 *   rx.url                     // "http://127.0.0.1:PORT" — point telemetry.otlp-endpoint here
 *   await rx.waitFor((spans) => spans.length >= 2)
 *   rx.spans; rx.posts         // spans so far; each POST's path, content type and body
 *   await rx.close()
 */
import { createServer, type Server } from 'node:http';
import { listenLocally } from './listen.js';

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  events?: Array<{ name: string; timeUnixNano: string; attributes?: KeyValue[] }>;
  status?: { code?: number; message?: string };
}
interface ExportRequest {
  resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }> }>;
}

export type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root without a remote parent. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttributeValue>;
  events: string[];
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  status: number;
  statusMessage: string | undefined;
  resource: Record<string, AttributeValue>;
  scope: string | undefined;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  posts: Array<{ path: string; contentType: string | undefined; body: string }>;
  /** Resolves with the spans once `ready` accepts them. */
  waitFor(ready: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

function value(v: AnyValue): AttributeValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  throw new Error(`unexpected attribute value ${JSON.stringify(v)}`);
}

function attributes(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const posts: OtlpReceiver['posts'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      posts.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: text });
      if (req.method !== 'POST' || req.url !== '/v1/traces' || req.headers['content-type'] !== 'application/json') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(text) as ExportRequest;
      for (const rs of body.resourceSpans ?? []) {
        const resource = attributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind,
              startNs: BigInt(s.startTimeUnixNano),
              endNs: BigInt(s.endTimeUnixNano),
              attributes: attributes(s.attributes),
              events: (s.events ?? []).map((e) => e.name),
              status: s.status?.code ?? 0,
              statusMessage: s.status?.message,
              resource,
              scope: ss.scope?.name,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const listening = await listenLocally(server);
  return {
    url: `http://127.0.0.1:${listening.port}`,
    spans,
    posts,
    async waitFor(ready, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      while (!ready(spans)) {
        if (Date.now() > until) throw new Error(`the receiver did not get the spans; got:\n${spans.map((s) => `${s.name} ${s.spanId} ← ${s.parentSpanId}`).join('\n')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return spans;
    },
    close: () => listening.close(),
  };
}
