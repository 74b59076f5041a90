/**
 * Azure's streams are OpenAI's SSE, plus a first chunk with `choices: []` that carries only
 * `prompt_filter_results`. Piped to an OpenAI client it is harmless (SDKs accept a chunk without
 * choices, as they do OpenAI's usage chunk). Where the core reads the chunks instead (to
 * translate them to another dialect), that chunk would pass for the final usage chunk, so it is
 * dropped here.
 */
import type { ChatCompletionChunk } from '../../core/chat-types.js';
import { OpenAIStreamRelay } from '../openai-compatible/stream.js';
import type { ChatTarget, StreamSink, StreamTranslator } from '../types.js';

export function createAzureStreamTranslator(target: ChatTarget, sink: StreamSink): StreamTranslator {
  const filtered: StreamSink = {
    chunk(chunk: ChatCompletionChunk) {
      if (chunk.choices.length === 0 && !chunk.usage) return;
      sink.chunk(chunk);
    },
    error: (error) => sink.error(error),
  };
  return new OpenAIStreamRelay(target, filtered);
}
