/** Anthropic ids carry a kind prefix (`msg_`, `toolu_`); clients such as Claude Code show or key on them. */
import { randomBytes } from 'node:crypto';

export function withPrefix(prefix: 'msg_' | 'toolu_', id: string | undefined): string {
  if (id && id.startsWith(prefix)) return id;
  return `${prefix}${id || randomBytes(12).toString('hex')}`;
}
