/**
 * An input-token estimate for `POST /v1/messages/count_tokens` on routes that do not lead to
 * Anthropic (where the request is forwarded and Anthropic counts).
 *
 * Claude's tokenizer is not published. o200k_base (GPT-4o's, via gpt-tokenizer: pure JS, kept
 * current with OpenAI's encodings) splits English text into slightly fewer tokens than Claude's,
 * so its count is scaled by CLAUDE_TOKENS_PER_O200K. The tokenizer (~2 MB of merge ranks) is
 * imported on first use, so it never loads on the other routes.
 */
import type { ChatRequest, ContentPart } from '../../core/chat-types.js';

/**
 * Claude's tokenizer yields ~16% more tokens than o200k on English prose (a published
 * side-by-side of Claude 3.5 Sonnet and GPT-4o; code and maths run higher).
 */
const CLAUDE_TOKENS_PER_O200K = 1.16;
/**
 * Prompt framing, fitted to Anthropic's own counts: "Hello, world" alone is 10 tokens and
 * system "You are a scientist" + "Hello, Claude" is 14 — 6 to 7 beyond the (scaled) text in both.
 */
const BASE = 3;
const PER_TURN = 3;
/** Anthropic counts (width × height) / 750 per image, at most ~1,600; sizes are not decoded here. */
const PER_IMAGE = 1600;
/** Anthropic's tool-use system prompt, added once when tools are given (its pricing page: 346, or 313 for `any`/`tool`). */
const TOOLS_PREAMBLE_AUTO = 346;
const TOOLS_PREAMBLE_FORCED = 313;

type Counter = (text: string) => number;
let counter: Promise<Counter> | undefined;

function loadCounter(): Promise<Counter> {
  counter ??= import('gpt-tokenizer/encoding/o200k_base').then((m) => (text: string) => m.countTokens(text));
  return counter;
}

function contentText(content: string | ContentPart[] | null | undefined, images: { n: number }): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  let text = '';
  for (const part of content) {
    if (part.type === 'text') text += `${(part as { text: string }).text}\n`;
    else if (part.type === 'image_url') images.n++;
  }
  return text;
}

/** All text the model reads, one string, so the tokenizer runs once. */
function promptText(request: ChatRequest, images: { n: number }): string {
  const pieces: string[] = [];
  for (const m of request.messages) {
    pieces.push(contentText(m.content, images));
    if (m.tool_calls) for (const call of m.tool_calls) pieces.push(call.function.name, call.function.arguments);
  }
  if (request.tools) for (const t of request.tools) pieces.push(t.function.name, t.function.description ?? '', JSON.stringify(t.function.parameters ?? {}));
  return pieces.join('\n');
}

export async function countTokensEstimate(request: ChatRequest): Promise<{ input_tokens: number }> {
  const count = await loadCounter();
  const images = { n: 0 };
  const text = count(promptText(request, images));
  let turns = 0;
  for (const m of request.messages) if (m.role !== 'system') turns++;
  const choice = request.tool_choice;
  const forced = choice === 'required' || (typeof choice === 'object' && choice !== null);
  const tools = request.tools?.length ? (forced ? TOOLS_PREAMBLE_FORCED : TOOLS_PREAMBLE_AUTO) : 0;
  const framing = BASE + turns * PER_TURN + tools;
  return { input_tokens: Math.round(text * CLAUDE_TOKENS_PER_O200K) + framing + images.n * PER_IMAGE };
}
