/** What the primary and its workers tell each other over the cluster's IPC channel. */
export type WorkerMessage =
  /** Worker → primary: it cannot serve (the port is taken, …); the primary stops, saying why. */
  | { aiGateway: 'fatal'; message: string }
  /** Worker → primary: it began draining with this many requests in flight. */
  | { aiGateway: 'draining'; inFlight: number };

export type PrimaryMessage =
  /** Drain and exit (the primary got the first signal). */
  | { aiGateway: 'shutdown' }
  /** Exit at once (a second signal). */
  | { aiGateway: 'exit' };

export function isMessage<T extends { aiGateway: string }>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && typeof (value as { aiGateway?: unknown }).aiGateway === 'string';
}

/** The exit code of a worker that reported a fatal error: the primary does not restart it. */
export const FATAL_EXIT_CODE = 78;
