/**
 * Child processes of a bench run: spawning with logs in bench/.work/logs, waiting until they
 * answer HTTP, and stopping every one of them on exit, error or Ctrl-C. Each child gets its own
 * process group so a stop also reaches anything it forked (cluster workers, npm's children).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = join(BENCH_DIR, '..');
export const WORK_DIR = join(BENCH_DIR, '.work');
export const LOG_DIR = join(WORK_DIR, 'logs');

export interface Child {
  name: string;
  pid: number;
  logPath: string;
  process: ChildProcess;
  exited: boolean;
  exitCode: number | null;
}

const running = new Set<Child>();

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Starts a command with stdout and stderr going straight to a log file (never through us). */
export async function spawnChild(name: string, command: string, args: string[], options: SpawnOptions = {}): Promise<Child> {
  await mkdir(LOG_DIR, { recursive: true });
  const logPath = join(LOG_DIR, `${name}.log`);
  const log = await open(logPath, 'w');
  let proc: ChildProcess;
  try {
    proc = spawn(command, args, {
      cwd: options.cwd ?? REPO_DIR,
      env: { ...(options.env ?? process.env), BENCH_PARENT_PID: String(process.pid) },
      stdio: ['ignore', log.fd, log.fd],
      detached: true, // own process group: Ctrl-C reaches us only, and we stop the group
    });
  } finally {
    await log.close();
  }
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const child: Child = { name, pid: proc.pid, logPath, process: proc, exited: false, exitCode: null };
  running.add(child);
  proc.on('exit', (code) => {
    child.exited = true;
    child.exitCode = code;
    running.delete(child);
  });
  return child;
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL if the process group has not exited within `graceMs`. */
export async function stopChild(child: Child, graceMs = 3000): Promise<void> {
  if (child.exited) return;
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const late = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) {
    signalGroup(child, 'SIGKILL');
    await exited;
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

let cleanupInstalled = false;

/** Stops every child on normal exit, uncaught errors, Ctrl-C and SIGTERM. */
export function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  // Last resort, synchronous: whatever is still running when the process exits.
  process.on('exit', () => {
    for (const child of running) signalGroup(child, 'SIGKILL');
  });
  const interrupt = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: stopping child processes`);
    stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  process.on('uncaughtException', (error) => {
    console.error(error);
    stopAll().finally(() => process.exit(1));
  });
}

/** A port that was free a moment ago (the kernel picks it; small race accepted for a bench). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function tailLog(child: Child, lines = 15): Promise<string> {
  try {
    const text = await readFile(child.logPath, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the URL gives any HTTP answer; fails if the child exits or time runs out. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited) throw new Error(`${child.name} exited with code ${child.exitCode ?? 'null'}:\n${await tailLog(child)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms:\n${await tailLog(child)}`);
}

/**
 * Runs a bench driver: exits with what `main` returns, or 1 with a `label FAIL: …` line when it
 * throws — stopping every child process either way.
 */
export function runDriver(label: string, main: () => Promise<number>): void {
  main()
    .then(async (code) => {
      await stopAll();
      process.exit(code);
    })
    .catch(async (error: unknown) => {
      console.log(`${label} FAIL: ${error instanceof Error ? error.message : String(error)}`);
      await stopAll();
      process.exit(1);
    });
}
