/**
 * Ids of responses and their items. One random draw per response; item ids derive from it
 * (`msg_<hex>_<n>`), unique as long as the response id is, so the item index never collides.
 */
import { randomBytes } from 'node:crypto';

export const newResponseId = (): string => `resp_${randomBytes(24).toString('hex')}`;

const hexOf = (responseId: string): string => (responseId.startsWith('resp_') ? responseId.slice(5) : responseId);

export const itemId = (prefix: 'msg' | 'fc' | 'rs', responseId: string, outputIndex: number): string =>
  `${prefix}_${hexOf(responseId)}_${outputIndex}`;
