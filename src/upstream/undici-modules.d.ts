/**
 * Types for the undici module the gateway loads directly (see undici-parts.ts; a .d.ts must not share a .ts file's name): undici's
 * package has no `exports` map, so the path is reachable, but it only ships types for its
 * root. The shape is undici's own public ones.
 */
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const PoolClass: typeof Pool;
  export default PoolClass;
}
