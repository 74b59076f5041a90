/**
 * `--import` preload for footprint tests: when the process exits, writes the paths of every
 * CommonJS module it loaded (one per line) to LOADED_MODULES_FILE. Plain JS, because the gateway
 * under test runs on plain `node`.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const file = process.env.LOADED_MODULES_FILE;
const require = createRequire(import.meta.url);

if (file) {
  process.on('exit', () => writeFileSync(file, Object.keys(require.cache).join('\n') + '\n'));
}
