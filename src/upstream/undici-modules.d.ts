/**
 * Types for the two undici modules the gateway loads directly (see undici-parts.ts; a .d.ts must not share a .ts file's name): undici's
 * package has no `exports` map, so these paths are reachable, but it only ships types for its
 * root. The shapes are undici's own public ones.
 */
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const PoolClass: typeof Pool;
  export default PoolClass;
}

declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';
  function request(this: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  export default request;
}
