/**
 * Egress for a stream in the provider's native format: the adapter's translator turns it into
 * canonical chunks, the client dialect's encoder into the client's events. Committed at the
 * first canonical chunk, so an error event before any (an "overloaded" as the first event) is
 * still a failed attempt the loop can retry. What one upstream read produced goes out as one
 * write (one syscall).
 */
import type { AttemptOutcome } from '../../core/attempts.js';
import type { ChatCompletionChunk } from '../../core/chat-types.js';
import type { SinkHeaders } from '../../core/client-sink.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { StreamSink } from '../../providers/types.js';
import type { UpstreamBody } from '../../upstream/upstream-body.js';
import { responseTooLarge } from '../../upstream/response-limit.js';
import type { TranslatedPlan } from '../exchange.js';
import type { OpenAnswer } from './open-answer.js';

/** Characters of output in a chunk: text, reasoning and tool arguments. */
function streamedChars(chunk: ChatCompletionChunk): number {
  const delta = chunk.choices[0]?.delta;
  if (!delta) return 0;
  let n = (delta.content?.length ?? 0) + (delta.reasoning_content?.length ?? 0);
  if (delta.tool_calls) for (const call of delta.tool_calls) n += call.function?.arguments?.length ?? 0;
  return n;
}

/** Resolves like `relay`: committed at the first chunk, else failed. */
export function translateStream(answer: OpenAnswer, body: UpstreamBody, plan: TranslatedPlan, headers: SinkHeaders): Promise<AttemptOutcome> {
  const { scope } = answer;
  const { sink } = scope;
  const { target, encoder } = plan;
  return new Promise((settle) => {
    const resolve = (failure: GatewayError | undefined): void => settle(answer.outcome(failure));
    let started = false;
    let failed = false;
    // Bytes fed to the translator since it last produced a chunk: bounds one event it buffers.
    let unanswered = 0;
    // For a stream cut off before its usage: how much it had said.
    let streamed = 0;
    let usageSeen = false;
    /** Cut off: what was streamed, at about four characters a token; the input unknown. */
    const cutOff = (): void => {
      const tokens = Math.ceil(streamed / 4);
      answer.usage({ prompt_tokens: 0, completion_tokens: tokens, total_tokens: tokens }, true, false);
    };
    let pending = '';
    const flush = (): void => {
      if (pending === '') return;
      const out = pending;
      pending = '';
      if (!sink.write(out)) body.pause();
    };
    const chunks: StreamSink = {
      chunk(chunk: ChatCompletionChunk) {
        if (failed) return;
        unanswered = 0;
        if (!started) {
          started = true;
          sink.head(200, headers);
          sink.onDrain(() => body.resume());
          answer.firstByte(true);
          resolve(undefined);
        }
        if (chunk.usage) {
          usageSeen = true;
          answer.usage(chunk.usage);
        } else streamed += streamedChars(chunk);
        pending += encoder.chunk(chunk);
      },
      error(error: GatewayError) {
        if (failed) return;
        failed = true;
        body.destroy();
        if (!started) return resolve(error);
        if (!usageSeen) cutOff();
        answer.ended(false, error);
        sink.end(pending + encoder.error(error));
        pending = '';
      },
    };
    const translator = target.provider.adapter.chat.createStreamTranslator(target, chunks);
    body.read({
      data(bytes) {
        if (failed) return;
        if ((unanswered += bytes.length) > scope.maxResponseBytes) return chunks.error(responseTooLarge(scope.maxResponseBytes, answer.provider));
        translator.write(bytes);
        if (!failed) flush();
      },
      end() {
        if (failed) return;
        translator.end();
        if (failed) return;
        if (!started) return resolve(answer.empty());
        sink.end(pending + encoder.end());
        pending = '';
        answer.ended(true);
      },
      error(err) {
        if (failed) return;
        if (!started) {
          failed = true;
          return resolve(answer.lost(err, false));
        }
        if (sink.gone) {
          failed = true;
          if (!usageSeen) cutOff();
          answer.ended(true);
          return;
        }
        chunks.error(answer.lost(err, true));
      },
    });
  });
}
