/**
 * An Anthropic and OpenAI stand-in whose answers are too big to hold: generated as they are
 * sent (never held in memory here), with backpressure, and stopped when the gateway hangs up.
 *
 *   const sim = await startOversizedSimulator();
 *   sim.setNext({ kind: 'json', bytes: 200 * 2 ** 20 })   // a 200 MiB message / chat.completion
 *   sim.setNext({ kind: 'endless-event', afterStart: true }) // SSE: one event that never ends
 *   sim.setNext({ kind: 'big-event', bytes: 16 * 2 ** 20 })  // SSE: a whole stream, one 16 MiB delta
 *   sim.sent      // bytes written for the last response
 *   sim.aborted   // true when the gateway closed the last response before its end
 *
 * `/v1/messages` answers in Anthropic's format, anything else in OpenAI's chat format.
 */
import { listenLocally } from '../helpers/listen.js';
import { createServer, type ServerResponse } from 'node:http';

export type OversizedBehaviour =
  /** A JSON answer whose text content is `bytes` long. */
  | { kind: 'json'; bytes: number }
  /** An SSE stream (after message_start when `afterStart`) whose next event never ends (stops after `limitBytes`, default 1 GiB). */
  | { kind: 'endless-event'; afterStart?: boolean; limitBytes?: number }
  /** A complete Anthropic stream whose one text delta is `bytes` long. */
  | { kind: 'big-event'; bytes: number };

export interface OversizedSimulator {
  url: string;
  sent: number;
  aborted: boolean;
  setNext(behaviour: OversizedBehaviour): void;
  close(): Promise<void>;
}

const FILL = Buffer.alloc(64 * 1024, 'a');

/** Writes `total` bytes of filler, waiting for drain; resolves false if the peer went away. */
function fill(res: ServerResponse, total: number, onWrite: (n: number) => void): Promise<boolean> {
  return new Promise((resolve) => {
    let left = total;
    const closed = (): void => resolve(false);
    res.once('close', closed);
    const pump = (): void => {
      while (left > 0) {
        if (res.destroyed) return;
        const n = Math.min(left, FILL.length);
        left -= n;
        onWrite(n);
        if (!res.write(n === FILL.length ? FILL : FILL.subarray(0, n))) return void res.once('drain', pump);
      }
      res.off('close', closed);
      resolve(true);
    };
    pump();
  });
}

export async function startOversizedSimulator(): Promise<OversizedSimulator> {
  const queue: OversizedBehaviour[] = [];
  const sim: OversizedSimulator = {
    url: '',
    sent: 0,
    aborted: false,
    setNext: (b) => void queue.push(b),
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const behaviour = queue.shift() ?? { kind: 'json', bytes: 16 };
      const anthropic = (req.url ?? '').startsWith('/v1/messages');
      sim.sent = 0;
      sim.aborted = false;
      res.on('close', () => (sim.aborted = !res.writableFinished));
      const count = (n: number): void => void (sim.sent += n);
      const write = (text: string): void => {
        count(Buffer.byteLength(text));
        res.write(text);
      };
      if (behaviour.kind === 'json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        write(
          anthropic
            ? '{"id":"msg_big","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"'
            : '{"id":"chatcmpl-big","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"',
        );
        void fill(res, behaviour.bytes, count).then((open) => {
          if (!open) return;
          res.end(
            anthropic
              ? '"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}'
              : '"},"finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}',
          );
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (behaviour.kind === 'big-event' || behaviour.afterStart) {
        write(
          'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n',
        );
      }
      if (behaviour.kind === 'big-event') write('event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n');
      write('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"');
      if (behaviour.kind === 'big-event') {
        void fill(res, behaviour.bytes, count).then((open) => {
          if (!open) return;
          res.end(
            '"}}\n\nevent: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
              'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":1}}\n\n' +
              'event: message_stop\ndata: {"type":"message_stop"}\n\n',
          );
        });
        return;
      }
      void fill(res, behaviour.limitBytes ?? 1024 * 1024 * 1024, count).then((open) => open && res.end());
    });
  });
  const listening = await listenLocally(server);
  sim.url = listening.url;
  sim.close = listening.close;
  return sim;
}
