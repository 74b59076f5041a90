/**
 * One serving process: the whole gateway with one worker, or a cluster worker. Shuts down
 * gracefully on the first SIGTERM/SIGINT (a worker: on its primary's word), at once on the second.
 */
import cluster from 'node:cluster';
import type { CompiledGateway } from '../config/compile.js';
import type { Logging } from '../observability/logger.js';
import { createGateway } from '../server/gateway.js';
import { startObservability } from '../observability/setup.js';
import { createHttpServer } from '../server/http-server.js';
import { drainServer } from '../server/shutdown.js';
import { fail } from './fail.js';
import { stopWhenOrphaned } from './orphan-watch.js';
import { onStopSignals } from './signals.js';
import { FATAL_EXIT_CODE, isMessage, type PrimaryMessage, type WorkerMessage } from './worker-messages.js';

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'no such address on this machine',
};

/** The same words in a worker as in a single process (whose errors name different syscalls). */
function listenFailure(err: NodeJS.ErrnoException, address: string, port: number): string {
  const known = err.code ? LISTEN_ERRORS[err.code] : undefined;
  return `cannot listen on ${address}:${port}: ${known ? `${known} (${err.code})` : err.message}`;
}

function tellPrimary(message: WorkerMessage, then?: () => void): void {
  process.send?.(message, undefined, {}, () => then?.());
}

export async function serveProcess(compiled: CompiledGateway, logging: Logging, port: number): Promise<void> {
  const { logger } = logging;
  const { address } = compiled.config.server;
  const timeoutMs = compiled.config.server['shutdown-timeout'];
  const worker = cluster.isWorker;
  const gateway = createGateway(compiled, logging);
  const server = createHttpServer(gateway);
  // Listening waits for the observers (a database to open, a price table to load): the first
  // request is recorded like every other.
  const observing = startObservability(gateway, logger);

  server.on('error', (err: NodeJS.ErrnoException) => {
    const message = listenFailure(err, address, port);
    // A worker cannot fix this by being restarted: the primary reports it once and stops.
    if (worker) tellPrimary({ aiGateway: 'fatal', message }, () => process.exit(FATAL_EXIT_CODE));
    else fail(message);
  });
  observing.then(
    () =>
      server.listen(port, address, () => {
        const actual = server.address();
        const boundPort = typeof actual === 'object' && actual ? actual.port : port;
        if (!worker) logger.info({ address, port: boundPort }, `listening on ${compiled.config.server.tls ? 'https' : 'http'}://${address}:${boundPort}`);
      }),
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (worker) tellPrimary({ aiGateway: 'fatal', message }, () => process.exit(FATAL_EXIT_CODE));
      else fail(message);
    },
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const drain = drainServer(server, gateway, timeoutMs);
    if (worker) tellPrimary({ aiGateway: 'draining', inFlight: drain.inFlight });
    else logger.info(`shutting down: ${drain.inFlight} requests in flight`);
    void drain.done.then(async (end) => {
      if (end === 'timeout') logger.warn(`shutdown: server.shutdown-timeout (${timeoutMs / 1000}s) passed; ended what was still open with gateway_shutting_down`);
      // After the drain: the last requests' records are written, queued alerts sent.
      await observing.then((o) => o.close(), () => undefined);
      process.exit(0);
    });
  };
  const exitNow = (): void => {
    if (!worker) logger.warn(`second signal: exiting now with ${gateway.inFlight.size} requests in flight`);
    process.exit(1);
  };

  if (!worker) {
    onStopSignals(stop, exitNow);
    return stopWhenOrphaned(stop);
  }
  // The primary decides: a terminal's Ctrl-C reaches every process of the group, and the
  // primary then tells each worker once.
  const ignore = (): void => undefined;
  process.on('SIGTERM', ignore);
  process.on('SIGINT', ignore);
  process.on('message', (message: unknown) => {
    if (!isMessage<PrimaryMessage>(message)) return;
    if (message.aiGateway === 'shutdown') stop();
    else if (message.aiGateway === 'exit') process.exit(1);
  });
}
