/**
 * Vertex answers in two dialects: Google's envelope (`{error:{code,status,message}}`) from its
 * own front end (authentication, quota, unknown model) and for Gemini, and Anthropic's
 * (`{type:"error",error:{…}}`) from Claude models. Each goes to the mapper that knows it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayError } from '../../core/gateway-error.js';
import { mapAnthropicError } from '../anthropic/anthropic-errors.js';
import { mapGeminiError } from '../gemini/gemini-errors.js';

const ANTHROPIC_ENVELOPE = /^\s*\{\s*"type"\s*:\s*"error"/;

export function mapVertexError(status: number, headers: IncomingHttpHeaders, body: string, provider: string): GatewayError {
  return ANTHROPIC_ENVELOPE.test(body) ? mapAnthropicError(status, headers, body, provider) : mapGeminiError(status, headers, body, provider);
}
