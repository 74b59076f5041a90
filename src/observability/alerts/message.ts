/**
 * The webhook body, Slack-compatible: `text` is the one readable line; one attachment carries
 * the same facts as `fields` ({title, value}) with fixed lower-case titles — rule, condition,
 * value, threshold, scope, window, time, and per condition requests/errors/attempts or
 * provider — that Slack, Mattermost and Discord's `/slack` endpoint render and any receiver can
 * parse. Values are strings (Slack's format): numbers in plain decimal, times in ISO 8601.
 */
import { plain } from './format.js';
import { isoSeconds } from './periods.js';
import type { Alert } from './types.js';

export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

export interface SlackBody {
  text: string;
  attachments: Array<{
    fallback: string;
    color: string;
    title: string;
    fields: SlackField[];
    footer: string;
    ts: number;
  }>;
}

/** Slack reads `&`, `<` and `>` as markup: escaped, as its docs ask. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function messageOf(alert: Alert): SlackBody {
  const facts: Array<[string, string | null]> = [
    ['rule', alert.rule],
    ['condition', alert.describes],
    ['value', alert.value === null ? null : plain(alert.value)],
    ['threshold', alert.threshold === null ? null : plain(alert.threshold)],
    ['scope', alert.scope],
    ['window', alert.window],
    ['time', isoSeconds(alert.time)],
    ...Object.entries(alert.extra),
  ];
  const fields = facts
    .filter((f): f is [string, string] => f[1] !== null)
    .map(([title, value]) => ({ title, value: slackEscape(value), short: title !== 'condition' && title !== 'window' }));
  const text = slackEscape(`[ai-gateway] ${alert.text}`);
  return {
    text,
    attachments: [{ fallback: text, color: '#d93f0b', title: slackEscape(`${alert.condition} alert: ${alert.rule}`), fields, footer: 'ai-gateway', ts: Math.floor(alert.time / 1000) }],
  };
}
