/**
 * The two pieces of undici the upstream hop uses: `Pool` and its `request` API.
 *
 * `import 'undici'` evaluates the whole package — fetch, WebSocket, EventSource, the cache and
 * mock agents — and keeps ~9 MB more resident for the life of the process, none of which the
 * gateway calls. Loading the pool and request modules directly leaves that out; it relies on
 * undici's internal file layout, which is why the dependency is pinned to an exact version
 * (the integration tests fail at once if a path moves).
 */
import type { Dispatcher, Pool } from 'undici';
import PoolClass from 'undici/lib/dispatcher/pool.js';
import requestApi from 'undici/lib/api/api-request.js';

export type { Pool };

export function createPool(origin: string, options: Pool.Options): Pool {
  return new PoolClass(origin, options);
}

export function poolRequest(pool: Pool, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return requestApi.call(pool, options);
}
