/**
 * Responses input items → canonical chat messages. Items are already shape-checked
 * (check-request.ts); what cannot be translated is refused here naming the item, and
 * what does not change the answer (earlier reasoning, item ids and statuses) is dropped.
 */
import type { ChatMessage, ContentPart } from '../../core/chat-types.js';
import { isObject } from '../openai-chat/field-checks.js';
import { itemNotFound, unsupported } from './errors.js';
import type { ResponsesHistory, ResponsesItem } from './types.js';

type Part = Record<string, unknown>;

/** Appends the messages of `items` to `out`; `base` names them in errors (`input`). */
export function appendItems(out: ChatMessage[], items: readonly ResponsesItem[], history: ResponsesHistory | undefined, base: string): void {
  for (let i = 0; i < items.length; i++) appendItem(out, items[i]!, history, base, i);
}

function appendItem(out: ChatMessage[], entry: ResponsesItem, history: ResponsesHistory | undefined, base: string, i: number): void {
  const type = entry.type ?? 'message';
  switch (type) {
    case 'message':
      out.push(message(entry, `${base}[${i}]`));
      return;
    case 'function_call': {
      const call = { id: entry.call_id as string, type: 'function' as const, function: { name: entry.name as string, arguments: entry.arguments as string } };
      // Chat carries a turn's calls on one assistant message, after its text.
      const last = out.at(-1);
      if (last?.role === 'assistant') (last.tool_calls ??= []).push(call);
      else out.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    case 'function_call_output':
      out.push({ role: 'tool', tool_call_id: entry.call_id as string, content: toolOutput(entry.output as string | Part[], `${base}[${i}].output`) });
      return;
    case 'item_reference': {
      const found = history?.item(entry.id as string);
      if (found === undefined) throw itemNotFound(entry.id as string, `${base}[${i}].id`);
      appendItem(out, found, history, base, i);
      return;
    }
    case 'reasoning':
      // The model's earlier thoughts: chat providers take none back, and the answer follows from the turns.
      return;
    default:
      throw unsupported(`${base}[${i}].type`, `An input item of type '${clip(String(type))}'`);
  }
}

function message(entry: ResponsesItem, at: string): ChatMessage {
  const role = entry.role as 'user' | 'assistant' | 'system' | 'developer';
  const content = entry.content as string | Part[];
  if (typeof content === 'string') return { role, content };
  if (role === 'assistant') return { role, content: assistantText(content, `${at}.content`) };
  const parts: ContentPart[] = [];
  for (let k = 0; k < content.length; k++) parts.push(contentPart(content[k]!, `${at}.content[${k}]`));
  return { role, content: parts };
}

/** An assistant turn is text (its refusals included): the one form every provider takes back. */
function assistantText(parts: Part[], at: string): string {
  let text = '';
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    if (part.type === 'output_text' || part.type === 'input_text') text += part.text as string;
    else if (part.type === 'refusal') text += part.refusal as string;
    else throw unsupported(`${at}[${k}].type`, `Assistant content of type '${clip(String(part.type))}'`);
  }
  return text;
}

const DETAILS = new Set(['auto', 'low', 'high']);

function contentPart(part: Part, at: string): ContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text as string };
    case 'input_image': {
      if (typeof part.file_id === 'string') throw unsupported(`${at}.file_id`, 'An image given by file_id (files live at OpenAI)');
      if (typeof part.image_url !== 'string') throw unsupported(`${at}.image_url`, 'An image without image_url');
      const detail = part.detail as string | undefined;
      return { type: 'image_url', image_url: DETAILS.has(detail ?? '') ? { url: part.image_url, detail: detail as 'auto' | 'low' | 'high' } : { url: part.image_url } };
    }
    case 'input_file': {
      if (typeof part.file_id === 'string') throw unsupported(`${at}.file_id`, 'A file given by file_id (files live at OpenAI)');
      if (typeof part.file_data !== 'string') throw unsupported(`${at}.file_url`, 'A file without file_data');
      return { type: 'file', file: { file_data: part.file_data, ...(typeof part.filename === 'string' && { filename: part.filename }) } };
    }
    case 'input_audio':
      if (!isObject(part.input_audio)) throw unsupported(`${at}.input_audio`, 'Audio without input_audio');
      return { type: 'input_audio', input_audio: part.input_audio };
    default:
      throw unsupported(`${at}.type`, `Content of type '${clip(String(part.type))}'`);
  }
}

function toolOutput(output: string | Part[], at: string): string | ContentPart[] {
  if (typeof output === 'string') return output;
  const parts: ContentPart[] = [];
  let allText = true;
  for (let k = 0; k < output.length; k++) {
    const part = contentPart(output[k]!, `${at}[${k}]`);
    if (part.type !== 'text') allText = false;
    parts.push(part);
  }
  // Text-only results as one string: every chat provider takes that for a tool message.
  return allText ? parts.map((p) => (p as { text: string }).text).join('') : parts;
}

const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
