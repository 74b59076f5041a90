/**
 * A local webhook receiver for alert tests: keeps every POST's path and parsed JSON body, and
 * answers 200 `ok` (as Slack does) unless told to fail.
 *
 *   const hook = await startWebhookReceiver();
 *   hook.url('/services/T0/B0/secret')   // a webhook URL on it
 *   hook.failNext(2, 500)                // the next two POSTs get a 500 (body quoting the path)
 *   await hook.waitFor(1)                // resolves with the messages once there are that many
 *   await hook.close()
 */
import { createServer } from 'node:http';
import { listenLocally } from './listen.js';

export interface ReceivedHook {
  path: string;
  contentType: string | undefined;
  body: {
    text: string;
    attachments: Array<{ title: string; fallback: string; fields: Array<{ title: string; value: string; short: boolean }> }>;
  };
}

export interface WebhookReceiver {
  /** Successful deliveries only. */
  received: ReceivedHook[];
  /** Every POST, refused ones too. */
  posts: number;
  url(path: string): string;
  failNext(count: number, status: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedHook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const failures: number[] = [];
  const state = { received: [] as ReceivedHook[], posts: 0 };
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      state.posts++;
      const failWith = failures.shift();
      if (failWith !== undefined) {
        // Receivers do quote the URL back; the gateway must not log it.
        res.writeHead(failWith, { 'content-type': 'text/plain' }).end(`no service at ${req.url}`);
        return;
      }
      state.received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(text) as ReceivedHook['body'] });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  const listening = await listenLocally(server);
  return {
    get received() {
      return state.received;
    },
    get posts() {
      return state.posts;
    },
    url: (path) => `http://127.0.0.1:${listening.port}${path}`,
    failNext(count, status) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    async waitFor(count, timeoutMs = 3_000) {
      const until = Date.now() + timeoutMs;
      while (state.received.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} webhook messages, got ${state.received.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return state.received;
    },
    close: () => listening.close(),
  };
}
