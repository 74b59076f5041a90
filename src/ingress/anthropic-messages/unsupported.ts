/** The 400 for an Anthropic feature that changes the answer and that other providers cannot give. */
import { invalidRequest } from '../../core/gateway-error.js';

export const notTranslatable = (param: string, what: string) =>
  invalidRequest(
    `'${param}': ${what} is not supported when this route leads to a provider other than Anthropic. Remove it, or route the request to Anthropic.`,
    param,
    'unsupported_parameter',
  );
