/**
 * OpenAI messages → Gemini `systemInstruction` + `contents`.
 * - every system/developer message joins `systemInstruction`, in order (none is dropped);
 * - tool results need the function name, which OpenAI tool messages lack: it is looked up from
 *   the assistant tool call with the same id; consecutive results form one user turn;
 * - thought signatures come back out of the tool-call id (see gemini-thought-signature.ts).
 * A message `name` is dropped: Gemini has no participant names and the text is unchanged.
 */
import type { ChatMessage, ContentPart, ToolCall } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import { parseDataUri } from './parse-data-uri.js';
import { SKIP_THOUGHT_SIGNATURE, decodeToolCallId, modelChecksThoughtSignatures } from './gemini-thought-signature.js';
import type { GeminiContent, GeminiPart, GeminiRequest } from './gemini-types.js';

/** Only URIs of Gemini's own Files API can be referenced; anything else would need a download. */
const FILES_API_PREFIX = 'https://generativelanguage.googleapis.com/v1beta/files/';

type Converted = Pick<GeminiRequest, 'systemInstruction' | 'contents'>;

export function convertToGeminiContents(messages: readonly ChatMessage[], model: string): Converted {
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const checksSignatures = modelChecksThoughtSignatures(model);
  // The content the previous message went into, and whether it holds tool results.
  let last: GeminiContent | undefined;
  let lastIsToolTurn = false;

  const append = (role: GeminiContent['role'], parts: GeminiPart[], toolTurn: boolean) => {
    if (last && last.role === role && lastIsToolTurn === toolTurn) {
      for (const part of parts) last.parts.push(part);
      return;
    }
    last = { role, parts };
    lastIsToolTurn = toolTurn;
    contents.push(last);
  };

  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const text of textsOf(message.content, i)) system.push({ text });
        break;
      case 'user':
        append('user', userParts(message.content, i), false);
        break;
      case 'assistant': {
        const parts: GeminiPart[] = textsOf(message.content, i).map((text) => ({ text }));
        if (message.tool_calls?.length) {
          parts.push(...functionCallParts(message.tool_calls, i, checksSignatures));
          for (const call of message.tool_calls) toolNames.set(call.id, call.function.name);
        }
        // An assistant turn with nothing in it carries no information; Gemini rejects empty parts.
        if (parts.length > 0) append('model', parts, false);
        break;
      }
      case 'tool': {
        const callId = message.tool_call_id;
        const name = callId === undefined ? undefined : toolNames.get(callId);
        if (callId === undefined || name === undefined) {
          throw invalidRequest(
            `tool message has no matching assistant tool call${callId ? ` with id '${callId}'` : ''}; gemini needs the function name`,
            `messages[${i}].tool_call_id`,
          );
        }
        const content = textsOf(message.content, i).join('');
        const id = decodeToolCallId(callId).id;
        append('user', [{ functionResponse: { id, name, response: { name, content } } }], true);
        break;
      }
      default:
        throw invalidRequest(`unknown message role '${String(message.role)}'`, `messages[${i}].role`);
    }
  }

  const converted: Converted = { contents };
  if (system.length > 0) converted.systemInstruction = { parts: system };
  return converted;
}

/** Text of a system, assistant or tool message; other part types have no meaning there. */
function textsOf(content: ChatMessage['content'], i: number): string[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [content];
  const texts: string[] = [];
  for (let j = 0; j < content.length; j++) {
    const part = content[j];
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else if (part.type === 'refusal' && typeof part.refusal === 'string') texts.push(part.refusal);
    else throw invalidRequest(`content part type '${part.type}' is only allowed in user messages`, `messages[${i}].content[${j}].type`);
  }
  return texts;
}

function userParts(content: ChatMessage['content'], i: number): GeminiPart[] {
  if (content === undefined || content === null) return [{ text: '' }];
  if (typeof content === 'string') return [{ text: content }];
  const parts: GeminiPart[] = [];
  for (let j = 0; j < content.length; j++) parts.push(userPart(content[j], i, j));
  return parts;
}

function userPart(part: ContentPart, i: number, j: number): GeminiPart {
  const at = `messages[${i}].content[${j}]`;
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw invalidRequest('text part without text', `${at}.text`);
      return { text: part.text };
    case 'image_url': {
      const url = (part.image_url as { url?: unknown } | undefined)?.url;
      if (typeof url !== 'string') throw invalidRequest('image_url part without url', `${at}.image_url`);
      // `detail` is dropped: Gemini picks the resolution itself and the image is unchanged.
      if (url.startsWith('data:')) {
        const data = parseDataUri(url);
        if (!data) throw invalidRequest('image data URI must be base64: data:<mime>;base64,<data>', `${at}.image_url`);
        return { inlineData: data };
      }
      if (url.startsWith(FILES_API_PREFIX)) return { fileData: { fileUri: url } };
      throw invalidRequest(
        'gemini cannot fetch image URLs; send the image inline as a data URI (data:<mime>;base64,<data>)',
        `${at}.image_url`,
      );
    }
    case 'input_audio': {
      const audio = part.input_audio as { data?: unknown; format?: unknown } | undefined;
      if (typeof audio?.data !== 'string' || typeof audio.format !== 'string') {
        throw invalidRequest('input_audio needs data and format', `${at}.input_audio`);
      }
      return { inlineData: { mimeType: `audio/${audio.format}`, data: audio.data } };
    }
    case 'file': {
      const file = part.file as { file_data?: unknown } | undefined;
      const data = typeof file?.file_data === 'string' ? parseDataUri(file.file_data) : undefined;
      if (!data) throw invalidRequest('gemini needs file parts inline as file_data (a base64 data URI); file_id is not supported', `${at}.file`);
      return { inlineData: data };
    }
    default:
      throw invalidRequest(`content part type '${part.type}' is not supported by gemini`, `${at}.type`);
  }
}

function functionCallParts(calls: readonly ToolCall[], i: number, checksSignatures: boolean): GeminiPart[] {
  const parts: GeminiPart[] = [];
  // Gemini signs only the first call of a parallel step; later unsigned calls are legitimate.
  let signed = false;
  for (let k = 0; k < calls.length; k++) {
    const call = calls[k];
    const { id, signature: fromId } = decodeToolCallId(call.id);
    const signature = fromId ?? extraContentSignature(call);
    const part: GeminiPart = {
      functionCall: { id, name: call.function.name, args: parseArguments(call.function.arguments, `messages[${i}].tool_calls[${k}].function.arguments`) },
    };
    if (signature) {
      part.thoughtSignature = signature;
      signed = true;
    } else if (checksSignatures && !signed) {
      part.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
    }
    parts.push(part);
  }
  return parts;
}

/** Google's own OpenAI-compatible layer puts the signature here; accept it from such clients. */
function extraContentSignature(call: ToolCall): string | undefined {
  const extra = (call as ToolCall & { extra_content?: { google?: { thought_signature?: unknown } } }).extra_content;
  const signature = extra?.google?.thought_signature;
  return typeof signature === 'string' && signature !== '' ? signature : undefined;
}

function parseArguments(raw: string, param: string): Record<string, unknown> {
  if (raw === undefined || raw === null || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidRequest('tool call arguments are not valid JSON', param);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('tool call arguments must be a JSON object', param);
  }
  return parsed as Record<string, unknown>;
}
