/**
 * Converts OpenAI user content parts (text, images, PDF files) into Anthropic content blocks.
 */
import type { ContentPart } from '../../core/chat-types.js';
import { invalidRequest } from '../../core/gateway-error.js';
import type { AnthropicDocumentBlock, AnthropicImageBlock, AnthropicTextBlock, AnthropicUserBlock } from './anthropic-api-types.js';

// The image media types the Messages API accepts.
const IMAGE_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const PDF = 'application/pdf';
const BASE64_MARKER = ';base64,';

interface DataUri {
  mediaType: string;
  data: string;
}

/** Splits `data:<mime>;base64,<data>`; anything else (not base64, no comma) is `undefined`. */
export function parseDataUri(uri: string): DataUri | undefined {
  if (!uri.startsWith('data:')) return undefined;
  const marker = uri.indexOf(BASE64_MARKER);
  if (marker < 0) return undefined;
  // Parameters such as `;charset=` may precede `;base64`; the media type ends at the first `;`.
  const header = uri.slice(5, marker);
  const semi = header.indexOf(';');
  const mediaType = (semi < 0 ? header : header.slice(0, semi)).toLowerCase();
  return { mediaType, data: uri.slice(marker + BASE64_MARKER.length) };
}

/** Built only when a request is refused, so valid requests allocate no parameter names. */
export const contentParam = (messageIndex: number) => `messages[${messageIndex}].content`;

const isHttpUrl = (url: string) => url.startsWith('https://') || url.startsWith('http://');

function convertImageUrl(url: string, index: number): AnthropicImageBlock | AnthropicDocumentBlock {
  if (isHttpUrl(url)) return { type: 'image', source: { type: 'url', url } };
  const parsed = parseDataUri(url);
  if (!parsed) throw invalidRequest('image_url must be an http(s) URL or a base64 data URI', contentParam(index), 'invalid_image_url');
  if (parsed.mediaType === PDF) return { type: 'document', source: { type: 'base64', media_type: PDF, data: parsed.data } };
  if (!IMAGE_MEDIA_TYPES.has(parsed.mediaType)) {
    throw invalidRequest(
      `anthropic accepts image/jpeg, image/png, image/gif and image/webp images, not ${parsed.mediaType || 'an unknown type'}`,
      contentParam(index),
      'unsupported_image_type',
    );
  }
  return { type: 'image', source: { type: 'base64', media_type: parsed.mediaType, data: parsed.data } };
}

/** OpenAI `file` parts: only inline PDFs have an Anthropic equivalent (`file_id` refers to OpenAI storage). */
function convertFilePart(part: ContentPart, index: number): AnthropicDocumentBlock {
  const file = (part as { file?: { file_data?: unknown } }).file;
  const parsed = typeof file?.file_data === 'string' ? parseDataUri(file.file_data) : undefined;
  if (!parsed || parsed.mediaType !== PDF) {
    throw invalidRequest('anthropic accepts only inline PDF files (file.file_data as a base64 data URI)', contentParam(index), 'unsupported_content');
  }
  return { type: 'document', source: { type: 'base64', media_type: PDF, data: parsed.data } };
}

/** Appends the blocks for one user part; empty text is skipped because the API rejects it. */
export function convertUserPart(
  part: ContentPart,
  out: AnthropicUserBlock[],
  index: number,
): void {
  switch (part.type) {
    case 'text': {
      const text = (part as { text?: unknown }).text;
      if (typeof text !== 'string') throw invalidRequest('text parts need a string `text`', contentParam(index));
      if (text !== '') out.push({ type: 'text', text });
      return;
    }
    case 'image_url': {
      const url = (part as { image_url?: { url?: unknown } }).image_url?.url;
      if (typeof url !== 'string') throw invalidRequest('image_url parts need `image_url.url`', contentParam(index));
      out.push(convertImageUrl(url, index));
      return;
    }
    case 'file':
      out.push(convertFilePart(part, index));
      return;
    default:
      throw invalidRequest(`anthropic does not accept content parts of type '${part.type}'`, contentParam(index), 'unsupported_content');
  }
}

/** Text-only content (system, tool results, assistant text): parts other than text are refused. */
export function convertTextContent(content: string | ContentPart[] | null | undefined, index: number): AnthropicTextBlock[] {
  if (content == null || content === '') return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const blocks: AnthropicTextBlock[] = [];
  for (const part of content) {
    // Assistant `refusal` parts carry no content to replay.
    if (part.type === 'refusal') continue;
    const text = (part as { text?: unknown }).text;
    if (part.type !== 'text' || typeof text !== 'string') {
      throw invalidRequest(`only text parts are accepted here, not '${part.type}'`, contentParam(index), 'unsupported_content');
    }
    if (text !== '') blocks.push({ type: 'text', text });
  }
  return blocks;
}
