/**
 * Canonical (OpenAI) messages → Converse `system` blocks and `messages`.
 *
 * - `system` / `developer` messages become `system: [{text}]` blocks, wherever they appear,
 *   in order. They are never dropped.
 * - `tool` messages become `toolResult` blocks in a user turn; consecutive same-role turns
 *   (including tool results followed by a user message) are merged, as Converse requires
 *   alternating roles.
 * - Images must be data URIs: Converse does not fetch URLs and the gateway does not fetch
 *   arbitrary URLs on a client's behalf.
 * - Empty text is skipped (Converse rejects empty text blocks); a turn left with no blocks is
 *   dropped.
 */
import type { ChatMessage, ContentPart } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type {
  BedrockMessage,
  ContentBlock,
  DocumentBlock,
  DocumentFormat,
  ImageBlock,
  ImageFormat,
  ToolResultContent,
} from './bedrock-api-types.js';
import { parseDataUri } from './parse-data-uri.js';

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const DOCUMENT_FORMATS: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

export interface ConvertedMessages {
  system: Array<{ text: string }>;
  messages: BedrockMessage[];
  /** History holds toolUse / toolResult blocks, so Converse demands a `toolConfig`. */
  hasToolBlocks: boolean;
}

function imageBlock(url: string, param: string): ImageBlock {
  const data = parseDataUri(url);
  if (!data) {
    const remote = url.startsWith('http://') || url.startsWith('https://');
    throw invalidRequest(
      remote
        ? 'Bedrock cannot fetch image URLs; send the image inline as a data URI (data:image/png;base64,…).'
        : 'image_url must be a base64 data URI (data:image/png;base64,…).',
      param,
    );
  }
  const format = IMAGE_FORMATS[data.mime];
  if (!format) throw invalidRequest(`Bedrock accepts png, jpeg, gif and webp images, not ${data.mime || 'this type'}.`, param);
  return { image: { format, source: { bytes: data.base64 } } };
}

interface FilePart {
  file?: { file_data?: unknown; filename?: unknown };
}

function documentBlock(part: ContentPart, index: number, param: string): DocumentBlock {
  const file = (part as FilePart).file;
  const data = typeof file?.file_data === 'string' ? parseDataUri(file.file_data) : undefined;
  if (!data) throw invalidRequest('Bedrock needs files inline as file.file_data data URIs (file ids cannot be resolved).', param);
  const format = DOCUMENT_FORMATS[data.mime];
  if (!format) throw invalidRequest(`Bedrock does not accept documents of type ${data.mime || 'unknown'}.`, param);
  // Converse allows only letters, digits, spaces, hyphens, parentheses and brackets in names.
  const name = typeof file?.filename === 'string' ? sanitizeName(file.filename) : '';
  return { document: { format, name: name || `document-${index + 1}`, source: { bytes: data.base64 } } };
}

function sanitizeName(name: string): string {
  let out = '';
  for (const ch of name) {
    const ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ' -()[]'.includes(ch);
    out += ok ? ch : '-';
  }
  return out.trim();
}

function textOnly(content: ChatMessage['content'], param: string): string[] {
  if (content == null) return [];
  if (typeof content === 'string') return content ? [content] : [];
  const out: string[] = [];
  content.forEach((part, j) => {
    if (part.type === 'text' && typeof part.text === 'string') {
      if (part.text) out.push(part.text);
    } else {
      throw invalidRequest(`Bedrock accepts only text parts here, not ${part.type}.`, `${param}[${j}]`);
    }
  });
  return out;
}

function userBlocks(content: ChatMessage['content'], param: string, out: ContentBlock[]): void {
  if (content == null) return;
  if (typeof content === 'string') {
    if (content) out.push({ text: content });
    return;
  }
  content.forEach((part, j) => {
    const partParam = `${param}[${j}]`;
    if (part.type === 'text') {
      if (typeof part.text === 'string' && part.text) out.push({ text: part.text });
    } else if (part.type === 'image_url') {
      const url = (part as { image_url?: { url?: unknown } }).image_url?.url;
      if (typeof url !== 'string') throw invalidRequest('image_url.url must be a string.', `${partParam}.image_url`);
      out.push(imageBlock(url, `${partParam}.image_url`));
    } else if (part.type === 'file') {
      out.push(documentBlock(part, j, `${partParam}.file`));
    } else {
      throw invalidRequest(`Bedrock does not accept ${part.type} content parts.`, `${partParam}.type`);
    }
  });
}

function toolResultContent(content: ChatMessage['content'], param: string): ToolResultContent[] {
  if (content == null) return [];
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  const out: ToolResultContent[] = [];
  content.forEach((part, j) => {
    if (part.type === 'text') {
      if (typeof part.text === 'string' && part.text) out.push({ text: part.text });
    } else if (part.type === 'image_url') {
      const url = (part as { image_url?: { url?: unknown } }).image_url?.url;
      out.push(imageBlock(typeof url === 'string' ? url : '', `${param}[${j}].image_url`));
    } else {
      throw invalidRequest(`Bedrock tool results accept text and image parts, not ${part.type}.`, `${param}[${j}].type`);
    }
  });
  return out;
}

function toolInput(args: string, param: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args);
  } catch {
    throw invalidRequest('tool call arguments must be valid JSON.', param);
  }
}

export function convertToBedrockMessages(messages: readonly ChatMessage[]): ConvertedMessages {
  const system: Array<{ text: string }> = [];
  const out: BedrockMessage[] = [];
  let hasToolBlocks = false;

  const push = (role: 'user' | 'assistant', blocks: ContentBlock[]): void => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.role === role) {
      for (const block of blocks) last.content.push(block);
    } else {
      out.push({ role, content: blocks });
    }
  };

  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const text of textOnly(message.content, `${param}.content`)) system.push({ text });
        return;
      case 'user': {
        const blocks: ContentBlock[] = [];
        userBlocks(message.content, `${param}.content`, blocks);
        push('user', blocks);
        return;
      }
      case 'assistant': {
        const blocks: ContentBlock[] = [];
        for (const text of textOnly(message.content, `${param}.content`)) blocks.push({ text });
        message.tool_calls?.forEach((call, j) => {
          hasToolBlocks = true;
          blocks.push({
            toolUse: {
              toolUseId: call.id,
              name: call.function.name,
              input: toolInput(call.function.arguments, `${param}.tool_calls[${j}].function.arguments`),
            },
          });
        });
        push('assistant', blocks);
        return;
      }
      case 'tool': {
        if (!message.tool_call_id) throw invalidRequest('tool messages need a tool_call_id.', `${param}.tool_call_id`);
        hasToolBlocks = true;
        push('user', [
          { toolResult: { toolUseId: message.tool_call_id, content: toolResultContent(message.content, `${param}.content`) } },
        ]);
        return;
      }
      default:
        throw invalidRequest(`unknown message role ${String(message.role)}.`, `${param}.role`);
    }
  });

  return { system, messages: out, hasToolBlocks };
}
