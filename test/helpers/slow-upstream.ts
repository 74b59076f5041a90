/**
 * A slow OpenAI-compatible upstream for shutdown tests: `POST /v1/chat/completions` with
 * `stream: true` sends `events` (or `max_tokens`) content chunks `gapMs` apart, then `[DONE]`; without `stream`
 * it answers after `delayMs`.
 *
 *   const up = await startSlowUpstream({ events: 8, gapMs: 200 });
 *   up.url        // "http://127.0.0.1:PORT/"
 *   up.finished   // streams that reached [DONE]
 */
import { createServer } from 'node:http';
import { listenLocally } from './listen.js';

export interface SlowUpstream {
  url: string;
  finished: number;
  close(): Promise<void>;
}

export function chunk(content: string, finish: string | null = null): string {
  const body = { id: 'chatcmpl-slow', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: finish }] };
  return `data: ${JSON.stringify(body)}\n\n`;
}

export async function startSlowUpstream(opts: { events: number; gapMs: number; delayMs?: number }): Promise<SlowUpstream> {
  const state = { finished: 0 };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { stream?: boolean; max_tokens?: number };
      const events = body.max_tokens ?? opts.events;
      if (!body.stream) {
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: 'chatcmpl-slow', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'late' }, finish_reason: 'stop' }] }));
        }, opts.delayMs ?? 0);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const tick = (): void => {
        if (res.destroyed) return;
        if (i === events) {
          state.finished++;
          res.end('data: [DONE]\n\n');
          return;
        }
        res.write(chunk(`w${i++} `, i === events ? 'stop' : null));
        setTimeout(tick, opts.gapMs);
      };
      tick();
    });
  });
  const { url, close } = await listenLocally(server);
  return {
    url,
    get finished() {
      return state.finished;
    },
    close,
  };
}
