/**
 * The one piece of undici the upstream hop uses: `Pool` (requests go through its `dispatch`).
 *
 * `import 'undici'` evaluates the whole package — fetch, WebSocket, EventSource, the cache and
 * mock agents — and keeps ~9 MB more resident for the life of the process, none of which the
 * gateway calls. Loading the pool module directly leaves that out; it relies on undici's
 * internal file layout, which is why the dependency is pinned to an exact version (the
 * integration tests fail at once if a path moves).
 */
import type { Pool } from 'undici';
import PoolClass from 'undici/lib/dispatcher/pool.js';

export type { Pool };

export function createPool(origin: string, options: Pool.Options): Pool {
  return new PoolClass(origin, options);
}
