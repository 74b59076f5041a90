/**
 * The OpenAI Responses wire shapes the gateway reads and writes, typed locally: the canonical
 * model (core/chat-types.ts) stays chat-completions, and these never leave this folder's codec.
 */

export interface InputTextPart { type: 'input_text'; text: string }
export interface OutputTextPart { type: 'output_text'; text: string; annotations: unknown[]; logprobs?: unknown[] }

/** An item of a conversation as the Responses API names them (input and output alike). */
export type ResponsesItem = Record<string, unknown> & { type: string };

export interface MessageOutputItem {
  type: 'message';
  id: string;
  status: 'completed' | 'incomplete' | 'in_progress';
  role: 'assistant';
  content: OutputTextPart[];
}

export interface FunctionCallOutputItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'completed' | 'incomplete' | 'in_progress';
}

export interface ReasoningOutputItem {
  type: 'reasoning';
  id: string;
  summary: Array<{ type: 'summary_text'; text: string }>;
  status?: 'completed' | 'incomplete' | 'in_progress';
}

export type OutputItem = MessageOutputItem | FunctionCallOutputItem | ReasoningOutputItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface ResponseObject extends ResponsesEcho {
  id: string;
  object: 'response';
  created_at: number;
  status: 'completed' | 'incomplete' | 'in_progress' | 'failed';
  background: boolean;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  model: string;
  output: OutputItem[];
  previous_response_id: string | null;
  store: boolean;
  usage: ResponsesUsage | null;
}

/**
 * What the egress needs besides the canonical request: the fields the Response object echoes,
 * and what the store keeps (this turn's input items, after the history they follow).
 */
export interface ResponsesContext {
  store: boolean;
  previousResponseId: string | null;
  /** The conversation before this request (from `previous_response_id`), oldest first. */
  history: readonly ResponsesItem[];
  /** This request's input as items (a string input becomes one user message). */
  input: readonly ResponsesItem[];
  /** Stored size of `history` and bytes of this request's body (what the turn adds, at most). */
  historyBytes: number;
  inputBytes: number;
  echo: ResponsesEcho;
}

/** Request fields a Response object repeats back (the SDKs read them from the response). */
export interface ResponsesEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, string>;
  parallel_tool_calls: boolean;
  reasoning: { effort: string | null; summary: string | null };
  temperature: number | null;
  text: { format: Record<string, unknown>; verbosity?: string };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: string;
  user: string | null;
}

/** Where earlier turns are looked up (the ResponseStore, or nothing). */
export interface ResponsesHistory {
  /** The conversation up to and including response `id`'s output, or undefined. */
  conversation(id: string): { items: readonly ResponsesItem[]; bytes: number } | undefined;
  /** An output item by its id (`item_reference`), or undefined. */
  item(id: string): ResponsesItem | undefined;
}
