/**
 * Anthropic `system` and `messages` → canonical messages.
 *
 * - `system` (a string or text blocks) becomes one system message; blocks are joined by a blank line.
 * - A user turn's `tool_result` blocks become `tool` messages, placed first (OpenAI-shaped history
 *   wants them right after the assistant's tool calls); images inside a result, which a tool
 *   message cannot carry, follow in a user message. Its other blocks make the user message.
 * - An assistant turn's text becomes `content`, `tool_use` blocks `tool_calls` (input as JSON
 *   arguments). `thinking` and `redacted_thinking` blocks are dropped: they are bound to Claude by
 *   their signatures, and OpenAI-shaped APIs refuse (OpenAI) or reject (DeepSeek) earlier
 *   reasoning in the history.
 */
import type { ChatMessage, ContentPart, ToolCall } from '../../core/chat-types.js';
import { invalidType, invalidValue, isObject, item, missing, oneOf, requiredString, sub, type Path } from '../openai-chat/field-checks.js';
import { asContent, imagePart, textOf } from './convert-content.js';
import { notTranslatable } from './unsupported.js';

export function convertSystem(value: unknown, out: ChatMessage[]): void {
  if (value === undefined || value === null) return;
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else if (Array.isArray(value)) {
    const texts: string[] = new Array<string>(value.length);
    for (let i = 0; i < value.length; i++) {
      const block: unknown = value[i];
      const at = item('system', i);
      if (!isObject(block)) throw invalidType(at, 'an object', block);
      oneOf(block.type, sub(at, 'type'), ['text']);
      texts[i] = textOf(block, at);
    }
    text = texts.join('\n\n');
  } else {
    throw invalidType('system', 'a string or an array of text blocks', value);
  }
  if (text !== '') out.push({ role: 'system', content: text });
}

/** Blocks a user turn may hold; `document`, `search_result` and server-tool blocks are not translated. */
const USER_BLOCKS = ['text', 'image', 'tool_result'];
const ASSISTANT_BLOCKS = ['text', 'tool_use', 'thinking', 'redacted_thinking'];

function blockType(block: unknown, at: Path, allowed: readonly string[]): string {
  if (!isObject(block)) throw invalidType(at, 'an object', block);
  requiredString(block.type, sub(at, 'type'));
  const type = block.type as string;
  if (!allowed.includes(type)) {
    if (type === 'document' || type === 'search_result' || type.endsWith('tool_use') || type.endsWith('tool_result')) {
      throw notTranslatable(sub(at, 'type'), `a '${type.slice(0, 60)}' content block`);
    }
    oneOf(type, sub(at, 'type'), allowed);
  }
  return type;
}

function toolResultContent(value: unknown, at: Path, images: ContentPart[]): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw invalidType(at, 'a string or an array of blocks', value);
  let text = '';
  for (let i = 0; i < value.length; i++) {
    const block: unknown = value[i];
    const bat = item(at, i);
    const type = blockType(block, bat, ['text', 'image']);
    if (type === 'text') text += (text === '' ? '' : '\n') + textOf(block as Record<string, unknown>, bat);
    else images.push(imagePart(block as Record<string, unknown>, bat));
  }
  return text;
}

function convertUser(blocks: unknown[], at: Path, out: ChatMessage[]): void {
  const parts: ContentPart[] = [];
  const resultImages: ContentPart[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    const bat = item(at, i);
    const type = blockType(block, bat, USER_BLOCKS);
    const b = block as Record<string, unknown>;
    if (type === 'text') {
      parts.push({ type: 'text', text: textOf(b, bat) });
    } else if (type === 'image') {
      parts.push(imagePart(b, bat));
    } else {
      requiredString(b.tool_use_id, sub(bat, 'tool_use_id'));
      if (b.is_error !== undefined && typeof b.is_error !== 'boolean') throw invalidType(sub(bat, 'is_error'), 'a boolean', b.is_error);
      const text = toolResultContent(b.content, sub(bat, 'content'), resultImages);
      // OpenAI-shaped history has no error flag: the text says so instead.
      out.push({ role: 'tool', tool_call_id: b.tool_use_id as string, content: b.is_error === true ? `Error: ${text}` : text });
    }
  }
  // Result images go first in the one user message, next to the results they belong to.
  const content = resultImages.length > 0 ? resultImages.concat(parts) : parts;
  if (content.length > 0) out.push({ role: 'user', content: asContent(content) });
}

function convertAssistant(blocks: unknown[], at: Path, out: ChatMessage[]): void {
  let text = '';
  const calls: ToolCall[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    const bat = item(at, i);
    const type = blockType(block, bat, ASSISTANT_BLOCKS);
    const b = block as Record<string, unknown>;
    if (type === 'text') {
      text += textOf(b, bat);
    } else if (type === 'tool_use') {
      requiredString(b.id, sub(bat, 'id'));
      requiredString(b.name, sub(bat, 'name'));
      if (!isObject(b.input)) throw invalidType(sub(bat, 'input'), 'an object', b.input);
      calls.push({ id: b.id as string, type: 'function', function: { name: b.name as string, arguments: JSON.stringify(b.input) } });
    } else if (type === 'thinking') {
      requiredString(b.thinking, sub(bat, 'thinking'));
    }
  }
  const message: ChatMessage = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
  if (calls.length > 0) message.tool_calls = calls;
  out.push(message);
}

export function convertMessages(value: unknown, out: ChatMessage[]): void {
  if (value === undefined || value === null) throw missing('messages');
  if (!Array.isArray(value)) throw invalidType('messages', 'an array', value);
  if (value.length === 0) throw invalidValue('messages', 'at least one message is required.');
  for (let i = 0; i < value.length; i++) {
    const message: unknown = value[i];
    const at = item('messages', i);
    if (!isObject(message)) throw invalidType(at, 'an object', message);
    requiredString(message.role, sub(at, 'role'));
    oneOf(message.role, sub(at, 'role'), ['user', 'assistant']);
    const { content } = message;
    const cat = sub(at, 'content');
    if (typeof content === 'string') {
      out.push({ role: message.role as 'user' | 'assistant', content });
    } else if (Array.isArray(content)) {
      if (message.role === 'user') convertUser(content, cat, out);
      else convertAssistant(content, cat, out);
    } else if (content === undefined) {
      throw missing(cat);
    } else {
      throw invalidType(cat, 'a string or an array of content blocks', content);
    }
  }
}
