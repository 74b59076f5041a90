/**
 * Ollama through its OpenAI-compatible `/v1` endpoints (base URL `http://host:11434/`).
 *
 * Its `/v1` stream is OpenAI's framing: `data: {chunk}` events, whole tool calls carrying
 * `index` (0, 1, … per call) and `type: "function"`, a separate usage chunk (`choices: []`) when
 * `stream_options.include_usage` is set, and `data: [DONE]`. So chat is piped as is
 * (`pipesChat`), and OpenAIStreamRelay serves when the core must read the chunks. Deltas also
 * repeat `role` and may carry Ollama's `reasoning` text, which OpenAI clients ignore.
 *
 * No credentials: a local Ollama has no auth, so `authorize` adds nothing.
 */
import type { ProviderAdapter } from '../types.js';
import { buildOpenAIChatRequest } from '../openai-compatible/adapter.js';
import { OpenAIStreamRelay } from '../openai-compatible/stream.js';
import type { ChatCompletion } from '../../core/chat-types.js';
import { convertToOllamaRequest } from './convert-to-ollama-request.js';
import { ollamaEmbeddings } from './ollama-embeddings.js';
import { mapOllamaError } from './ollama-errors.js';

export function createOllamaAdapter(): ProviderAdapter {
  return {
    kind: 'ollama',
    pipesChat: true,
    chat: {
      buildRequest(req, target) {
        const converted = convertToOllamaRequest(req, target.provider.name);
        // Unchanged requests go up as the client's own bytes.
        return converted ? buildOpenAIChatRequest(converted, { ...target, rawBody: undefined }) : buildOpenAIChatRequest(req, target);
      },
      parseResponse: (body) => body as ChatCompletion,
      createStreamTranslator: (target, sink) => new OpenAIStreamRelay(target, sink),
    },
    embeddings: ollamaEmbeddings,
    authorize: () => {},
    mapError: (status, headers, body, provider) => mapOllamaError(status, headers, body, provider.name),
  };
}
