/**
 * Startup checks of `alerts` the schema cannot make: every rule's `notify` names a configured
 * webhook, webhooks are http(s), rule names are unique (they key the cooldown and the log
 * lines), and the providers and routers a rule names exist (a typo would silence the rule
 * forever). Problems read like the config's others (`path: what is wrong — did you mean …`);
 * a webhook's URL is never quoted (it may hold a secret).
 */
import { describePath, suggestKey } from '../../config/errors.js';
import type { AlertsConfig } from './types.js';

export interface KnownNames {
  providers?: Iterable<string>;
  routers?: Iterable<string>;
}

/** The unified API's route in records (`router: /ai`). */
const UNIFIED_ROUTE = '/ai';

export function alertProblems(alerts: AlertsConfig, known: KnownNames = {}): string[] {
  const problems: string[] = [];
  const webhooks = Object.keys(alerts.webhooks);
  for (const [name, url] of Object.entries(alerts.webhooks)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') problems.push(`${describePath(['alerts', 'webhooks', name])}: expected an http(s) URL${scheme ? `, got a ${scheme}: URL` : ''}`);
  }
  const providers = known.providers ? [...known.providers] : undefined;
  const routers = known.routers ? [...known.routers, UNIFIED_ROUTE] : undefined;
  const named = new Map<string, number>();
  alerts.rules.forEach((rule, i) => {
    const at = (...path: (string | number)[]): string => describePath(['alerts', 'rules', i, ...path]);
    const earlier = named.get(rule.name);
    if (earlier !== undefined) problems.push(`${at('name')}: "${rule.name}" is also the name of alerts.rules[${earlier}]; a rule's name keys its cooldown and log lines`);
    else named.set(rule.name, i);
    rule.notify.forEach((webhook, j) => {
      if (webhooks.includes(webhook)) return;
      const suggestion = suggestKey(webhook, webhooks);
      const listed = webhooks.length > 0 ? `alerts.webhooks has ${webhooks.map((w) => `"${w}"`).join(', ')}` : 'alerts.webhooks is empty';
      problems.push(`${at('notify', j)}: unknown webhook "${webhook}"${suggestion ? ` — did you mean "${suggestion}"?` : ''} (${listed})`);
    });
    const [condition, scope] = rule.spend ? ['spend', rule.spend] : rule['error-rate'] ? ['error-rate', rule['error-rate']] : ['provider-ejected', rule['provider-ejected']];
    if (!scope) return;
    const provider = scope.provider;
    if (provider !== undefined && providers && !(condition === 'provider-ejected' && provider === 'any') && !providers.includes(provider)) {
      problems.push(unknownName(at(condition, 'provider'), 'provider', provider, providers));
    }
    const router = 'router' in scope ? scope.router : undefined;
    if (router !== undefined && routers && !routers.includes(router)) problems.push(unknownName(at(condition, 'router'), 'router', router, routers));
  });
  return problems;
}

function unknownName(path: string, what: string, name: string, valid: string[]): string {
  const suggestion = suggestKey(name, valid);
  return `${path}: unknown ${what} "${name}"${suggestion ? ` — did you mean "${suggestion}"?` : ''}`;
}
