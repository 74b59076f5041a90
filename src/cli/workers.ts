/**
 * `--workers N`: the primary forks N workers that share the port (the primary accepts and hands
 * connections out), replaces a worker that dies, and coordinates shutdown. It serves nothing.
 *
 * - A worker that dies is replaced: at once if it had been up a while, else after a backoff that
 *   doubles with each quick death (250 ms, 500 ms, …). After GIVE_UP_AFTER quick deaths within
 *   a minute the primary stops everything and exits 1: a restart loop helps no one.
 * - A worker that cannot serve at all (the port is taken) says so and is not restarted: the
 *   primary prints that message once and exits 1, as a single process would.
 * - A `/metrics` scrape on any worker is answered with every worker's numbers summed: the
 *   worker asks here, and the primary gathers them (metrics-scrapes.ts).
 * - The first SIGTERM/SIGINT asks every worker to drain; the primary logs the one
 *   `shutting down` line with their total, and exits 0 once all have exited. A second signal
 *   ends them at once.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../observability/logger.js';
import { fail } from './fail.js';
import { stopWhenOrphaned } from './orphan-watch.js';
import { onStopSignals } from './signals.js';
import { workerExecArgv } from './v8-flags.js';
import { FATAL_EXIT_CODE, isMessage, type PrimaryMessage, type WorkerMessage } from './worker-messages.js';
import { MetricsScrapes } from './metrics-scrapes.js';

/** A worker that dies sooner than this after it was started died quickly. */
const QUICK_DEATH_MS = 10_000;
const QUICK_WINDOW_MS = 60_000;
const GIVE_UP_AFTER = 5;
const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 8_000;
/** How long the primary waits for the workers' in-flight counts before logging what it has. */
const COUNT_WAIT_MS = 1_000;
/** Beyond the workers' own shutdown timeout: then the primary ends them itself. */
const BACKSTOP_MS = 5_000;

export interface PrimaryOptions {
  workers: number;
  address: string;
  /** `https` when server.tls is set: the startup line says how to reach it. */
  scheme: 'http' | 'https';
  shutdownTimeoutMs: number;
  logger: Logger;
}

export function runPrimary({ workers, address, scheme, shutdownTimeoutMs, logger }: PrimaryOptions): void {
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const startedAt = new Map<number, number>();
  /** Workers that are serving (only they hear messages; one still starting has nothing to drain). */
  const serving = new Set<number>();
  /** Workers still starting when shutdown began: ended, which is no failure. */
  const unstarted = new Set<number>();
  const quickDeaths: number[] = [];
  const restarts = new Set<NodeJS.Timeout>();
  let listening = 0;
  let stopping = false;
  let exitCode = 0;

  // A worker that has exited may stay listed until its IPC channel has closed too.
  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  const send = (message: PrimaryMessage): void => {
    for (const w of alive()) if (serving.has(w.id) && w.isConnected()) w.send(message);
  };
  const scrapes = new MetricsScrapes(() => alive().filter((w) => serving.has(w.id) && w.isConnected()));
  const killAll = (): void => {
    for (const w of alive()) w.process.kill('SIGKILL');
  };

  const fatal = (message: string): never => {
    stopping = true;
    killAll();
    return fail(message);
  };

  const fork = (): void => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    worker.on('message', (message: unknown) => {
      if (!isMessage<WorkerMessage>(message)) return;
      if (message.aiGateway === 'fatal' && !stopping) fatal(message.message);
      else if (message.aiGateway === 'draining') onDraining(message.inFlight);
      else if (message.aiGateway === 'metrics_request') scrapes.request(worker, message.id);
      else if (message.aiGateway === 'metrics_snapshot') scrapes.snapshot(worker, message.id, message);
    });
  };

  cluster.on('listening', (worker, bound) => {
    serving.add(worker.id);
    if (++listening === workers) logger.info({ address, port: bound.port, workers }, `listening on ${scheme}://${address}:${bound.port}`);
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    serving.delete(worker.id);
    scrapes.gone(worker);
    if (stopping) {
      if (code !== 0 && !unstarted.has(worker.id)) exitCode = 1;
      if (alive().length === 0) process.exit(exitCode);
      return;
    }
    // Its 'fatal' message normally comes first; if the exit overtook it, give it a moment.
    if (code === FATAL_EXIT_CODE) {
      setTimeout(() => fatal(`a worker could not start (exit ${code})`), 500);
      return;
    }
    const pid = worker.process.pid;
    if (lived >= QUICK_DEATH_MS) {
      logger.error({ pid, code, signal }, 'worker exited; starting a new one');
      fork();
      return;
    }
    const now = Date.now();
    quickDeaths.push(now);
    while (quickDeaths[0]! <= now - QUICK_WINDOW_MS) quickDeaths.shift();
    if (quickDeaths.length >= GIVE_UP_AFTER) {
      logger.fatal({ pid, code, signal }, `workers keep dying: ${quickDeaths.length} died within ${QUICK_DEATH_MS / 1000}s of starting in the last minute; giving up`);
      stopping = true;
      killAll();
      process.exit(1);
    }
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** (quickDeaths.length - 1), BACKOFF_MAX_MS);
    logger.error({ pid, code, signal, restartInMs: delay }, `worker exited ${lived} ms after starting; starting a new one in ${delay} ms`);
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork();
    }, delay);
    restarts.add(timer);
  });

  // Shutdown: one line with the total the workers report.
  let expected = 0;
  let reported = 0;
  let total = 0;
  let counted: NodeJS.Timeout | undefined;
  const logCount = (): void => {
    if (counted === undefined) return;
    clearTimeout(counted);
    counted = undefined;
    logger.info(`shutting down: ${total} requests in flight`);
  };
  function onDraining(inFlight: number): void {
    total += inFlight;
    if (++reported === expected) logCount();
  }

  let stopRequested = false;
  const stop = (): void => {
    if (stopRequested) return;
    stopRequested = true;
    stopping = true;
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    if (alive().length === 0) process.exit(0);
    for (const w of alive()) {
      if (serving.has(w.id)) continue;
      unstarted.add(w.id);
      w.process.kill('SIGKILL');
    }
    expected = serving.size;
    counted = setTimeout(logCount, expected === 0 ? 0 : COUNT_WAIT_MS);
    send({ aiGateway: 'shutdown' });
    setTimeout(() => {
      logger.error('workers did not exit after server.shutdown-timeout; ending them');
      killAll();
      process.exit(1);
    }, shutdownTimeoutMs + BACKSTOP_MS).unref();
  };
  const exitNow = (): void => {
    logger.warn('second signal: ending the workers now');
    send({ aiGateway: 'exit' });
    killAll();
    process.exit(1);
  };
  onStopSignals(stop, exitNow);
  stopWhenOrphaned(stop);

  for (let i = 0; i < workers; i++) fork();
}
