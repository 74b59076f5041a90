/**
 * Egress for an answer already in the client's dialect: upstream bytes relayed as they come,
 * with backpressure. Committed at the first byte, not at the status line, so a body that breaks
 * (or ends) before anything reached the client is still a failed attempt the loop can retry.
 */
import type { SinkHeaders } from '../../core/client-sink.js';
import type { AttemptOutcome } from '../../core/attempts.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { UpstreamBody } from '../../upstream/upstream-body.js';
import type { OpenAnswer } from './open-answer.js';
import type { UsageTap } from './usage-tap.js';

/**
 * Resolves once the first byte went to the client (committed), or failed when the body broke or
 * ended before that. `streamError` renders a break after the start as the dialect's
 * error event; without it (a JSON body) the connection is reset, which clients read as truncation.
 */
export function relay(
  answer: OpenAnswer,
  body: UpstreamBody,
  status: number,
  headers: SinkHeaders,
  streamError: ((error: GatewayError) => string) | undefined,
  tap: UsageTap | undefined,
  onFirstByte: () => void,
  onEnd: (ok: boolean, error?: GatewayError) => void,
): Promise<AttemptOutcome> {
  const { sink } = answer.scope;
  return new Promise((settle) => {
    const resolve = (failure: GatewayError | undefined): void => settle(answer.outcome(failure));
    let started = false;
    body.read({
      data(bytes) {
        const chunk = tap ? tap.pass(bytes) : bytes;
        if (chunk.length === 0) return;
        if (!started) {
          started = true;
          sink.head(status, headers);
          // Listeners on the client only once it is ours: a failed attempt leaves none.
          sink.onDrain(() => body.resume());
          onFirstByte();
          resolve(undefined);
        }
        if (!sink.write(chunk)) body.pause();
      },
      end() {
        if (!started) return resolve(answer.empty());
        sink.end();
        if (tap) answer.tapped(tap, true);
        onEnd(true);
      },
      error(err) {
        if (!started) return resolve(answer.lost(err, false));
        if (tap) answer.tapped(tap, false);
        if (sink.gone) return onEnd(false);
        const lost = answer.lost(err, true);
        onEnd(false, lost);
        if (streamError) sink.end(streamError(lost));
        else sink.destroy();
      },
    });
  });
}
