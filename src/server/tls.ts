/** `server.tls`: the certificate and key (PEM files), read once at startup. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/errors.js';

export function readTlsFiles(tls: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (key: 'cert' | 'key'): Buffer => {
    try {
      return readFileSync(tls[key]);
    } catch (err) {
      throw new ConfigError([`server.tls.${key}: cannot read "${tls[key]}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`], 'server.tls');
    }
  };
  return { cert: read('cert'), key: read('key') };
}
