/** Single Anthropic content blocks → canonical content parts. */
import type { ContentPart, ImagePart } from '../../core/chat-types.js';
import { invalidType, isObject, oneOf, requiredString, sub, type Path } from '../openai-chat/field-checks.js';

/** `text` of a text block; `cache_control` and `citations` are dropped. */
export function textOf(block: Record<string, unknown>, at: Path): string {
  requiredString(block.text, sub(at, 'text'));
  return block.text as string;
}

/** An image block as an `image_url` part: base64 sources become data URLs. */
export function imagePart(block: Record<string, unknown>, at: Path): ImagePart {
  const source = block.source;
  const where = sub(at, 'source');
  if (!isObject(source)) throw invalidType(where, 'an object', source);
  requiredString(source.type, sub(where, 'type'));
  oneOf(source.type, sub(where, 'type'), ['base64', 'url']);
  if (source.type === 'url') {
    requiredString(source.url, sub(where, 'url'));
    return { type: 'image_url', image_url: { url: source.url as string } };
  }
  requiredString(source.media_type, sub(where, 'media_type'));
  requiredString(source.data, sub(where, 'data'));
  return { type: 'image_url', image_url: { url: `data:${source.media_type as string};base64,${source.data as string}` } };
}

/** Parts as canonical content: a lone text part as a plain string, which every adapter takes. */
export function asContent(parts: ContentPart[]): string | ContentPart[] {
  if (parts.length === 1 && parts[0]!.type === 'text') return (parts[0] as { text: string }).text;
  return parts;
}
