/**
 * Structured logs (pino, JSON lines on stdout). Nothing secret is ever passed in; the redact
 * list is a second line of defence for header objects.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stdout): Logger {
  // Helicone's `telemetry.level` is an env-filter ("info,ai_gateway=debug"): take its default level.
  const first = level.split(',')[0]?.trim().toLowerCase() || 'info';
  const known = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  return pino(
    {
      level: known.includes(first) ? first : 'info',
      base: undefined,
      redact: {
        paths: ['*.authorization', '*.Authorization', '*["x-api-key"]', '*["x-goog-api-key"]', '*["api-key"]'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
