/**
 * A rule's scope: which requests it watches. Every key given must match (they narrow each
 * other); a rule without one watches the whole gateway. `provider-key` names a credential as
 * records do (`env:OPENAI_API_KEY …abcd`), or by its source alone (`env:OPENAI_API_KEY`), or by
 * its fingerprint alone (`…abcd`, or `abcd`: the ellipsis is awkward to type).
 */
import type { AttemptRecord, RequestRecord } from '../records/request-record.js';

export interface Scope {
  provider?: string;
  'provider-key'?: string;
  router?: string;
  'gateway-key'?: string;
}

const KEYS = ['provider', 'provider-key', 'router', 'gateway-key'] as const;

/** `provider=openai router=oa`; `gateway` for no scope. Also the rule's cooldown key. */
export function describeScope(scope: Scope): string {
  const parts = KEYS.filter((k) => scope[k] !== undefined).map((k) => `${k}=${scope[k]}`);
  return parts.length > 0 ? parts.join(' ') : 'gateway';
}

/** Whether the scope names a provider or credential: error rates then count attempts to it. */
export function scopesProvider(scope: Scope): boolean {
  return scope.provider !== undefined || scope['provider-key'] !== undefined;
}

export function matchesProviderKey(wanted: string, key: string | null): boolean {
  if (key === null) return false;
  if (key === wanted) return true;
  // `env:OPENAI_API_KEY …abcd`: the source, a space, the fingerprint.
  const space = key.lastIndexOf(' ');
  if (space === -1) return false;
  const source = key.slice(0, space);
  const tail = key.slice(space + 1);
  return wanted === source || wanted === tail || (tail.startsWith('…') && wanted === tail.slice(1));
}

/** The request-level keys: router and gateway key. */
export function matchesRequest(scope: Scope, record: RequestRecord): boolean {
  if (scope.router !== undefined && record.router !== scope.router) return false;
  if (scope['gateway-key'] !== undefined && record.gateway_key !== scope['gateway-key']) return false;
  return true;
}

/** The whole scope against who answered the request (spend is the answering credential's). */
export function matchesRecord(scope: Scope, record: RequestRecord): boolean {
  if (!matchesRequest(scope, record)) return false;
  if (scope.provider !== undefined && record.provider !== scope.provider) return false;
  if (scope['provider-key'] !== undefined && !matchesProviderKey(scope['provider-key'], record.provider_key)) return false;
  return true;
}

/** The provider keys against one attempt (the request-level keys are checked on its record). */
export function matchesAttempt(scope: Scope, attempt: AttemptRecord): boolean {
  if (scope.provider !== undefined && attempt.provider !== scope.provider) return false;
  if (scope['provider-key'] !== undefined && !matchesProviderKey(scope['provider-key'], attempt.provider_key)) return false;
  return true;
}
