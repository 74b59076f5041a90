/**
 * Starting the processes under test: the upstream simulator, the no-op proxy, the gateway
 * (from dist/cli.js with a generated config) and Portkey (installed on demand into bench/.work).
 * All of them listen on 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ChildScripts } from './child-scripts.js';
import { BENCH_DIR, REPO_DIR, WORK_DIR, freePort, spawnChild, stopChild, waitForHttp, type Child } from './children.js';

export interface Server {
  child: Child;
  port: number;
  origin: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function started(child: Child, port: number, probePath: string, timeoutMs?: number): Promise<Server> {
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(origin + probePath, child, timeoutMs);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { child, port, origin };
}

export interface SimOptions {
  chunks: number;
}

export async function startSimulator(scripts: ChildScripts, options: SimOptions, name = 'upstream-sim'): Promise<Server> {
  const port = await freePort();
  const child = await spawnChild(name, process.execPath, [scripts.upstreamSim, '--port', String(port), '--chunks', String(options.chunks)]);
  return started(child, port, '/health');
}

export async function startNoopProxy(scripts: ChildScripts, upstreamOrigin: string): Promise<Server> {
  const port = await freePort();
  const child = await spawnChild('noop-proxy', process.execPath, [scripts.noopProxy, '--port', String(port), '--upstream', upstreamOrigin]);
  return started(child, port, '/health');
}

// --- the gateway under test -----------------------------------------------------------------

export const GATEWAY_CLI = join(REPO_DIR, 'dist', 'cli.js');

/**
 * The V8 flags the gateway ships with (`npm start` passes them; `node dist/cli.js` and the bin
 * apply them at startup). The bench starts `node dist/cli.js` without them, as a user would;
 * A/B runs can pass them explicitly (`AB_NEW_FLAGS`, `AB_BASE_FLAGS`).
 */
export { GATEWAY_NODE_FLAGS } from '../../src/cli/v8-flags.js';

export function gatewayAvailable(): Promise<boolean> {
  return exists(GATEWAY_CLI);
}

export async function gatewayVersion(): Promise<string> {
  const text = await readFile(join(REPO_DIR, 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** The bench config: passthrough to OpenAI and OpenAI→Anthropic translation, both at the simulator. */
export function gatewayConfigYaml(upstreamBaseUrl: string, workers: number, logLevel?: string, extra: Record<string, unknown> = {}): string {
  return stringify({
    ...extra,
    ...(logLevel ? { telemetry: { level: logLevel } } : {}),
    server: { address: '127.0.0.1', workers },
    providers: {
      openai: { 'base-url': upstreamBaseUrl },
      anthropic: { 'base-url': upstreamBaseUrl },
    },
    routers: {
      pass: { 'load-balance': { chat: { strategy: 'latency', providers: ['openai'] } } },
      translate: { 'load-balance': { chat: { strategy: 'latency', providers: ['anthropic'] } } },
    },
  });
}

export interface GatewayOptions {
  name: string;
  /** Base URL the gateway's providers point at, ending in '/'. */
  upstreamBaseUrl: string;
  workers: number;
  /** telemetry.level; unset keeps the product default (a JSON line per request at info). */
  logLevel?: string;
  /** Extra `--import` preloads and environment (the soak's heap probe). */
  preloads?: string[];
  env?: NodeJS.ProcessEnv;
  /** V8/Node flags on node's command line; default none (`node dist/cli.js`, which applies its own). */
  nodeFlags?: string[];
  /** Another build of the gateway (A/B against an earlier commit); default dist/cli.js. */
  cli?: string;
  /** More top-level config (A/B of a setting, e.g. `{audit: {enabled: false}}`). */
  config?: Record<string, unknown>;
}

export async function startGateway(scripts: ChildScripts, options: GatewayOptions): Promise<Server> {
  const port = await freePort();
  const configPath = join(WORK_DIR, `${options.name}.yaml`);
  await writeFile(configPath, gatewayConfigYaml(options.upstreamBaseUrl, options.workers, options.logLevel, options.config));
  const preloads = [scripts.loopbackOnly, ...(options.preloads ?? [])].flatMap((path) => ['--import', path]);
  const child = await spawnChild(options.name, process.execPath, [...(options.nodeFlags ?? []), ...preloads, options.cli ?? GATEWAY_CLI, '--config', configPath, '--port', String(port)], {
    // bench/.work as cwd: the gateway must not pick up a developer's ./.env with real keys.
    cwd: WORK_DIR,
    env: {
      ...process.env,
      ...options.env,
      OPENAI_API_KEY: 'bench-openai-key',
      ANTHROPIC_API_KEY: 'bench-anthropic-key',
    },
  });
  return started(child, port, '/health');
}

// --- Portkey, the peer ----------------------------------------------------------------------

export const PORTKEY_DIR = join(WORK_DIR, 'portkey');
const PORTKEY_ENTRY = join(PORTKEY_DIR, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

/** Runs setup-portkey.sh when Portkey is not installed yet (bounded: 5 minutes). */
export async function ensurePortkey(): Promise<void> {
  if (await exists(PORTKEY_ENTRY)) return;
  console.log('Portkey not installed yet: running bench/setup-portkey.sh');
  await new Promise<void>((resolve, reject) => {
    const setup = spawn('bash', [join(BENCH_DIR, 'setup-portkey.sh')], { stdio: 'inherit', env: { ...process.env, PORTKEY_DIR } });
    const timer = setTimeout(() => setup.kill('SIGTERM'), 300_000);
    setup.on('error', reject);
    setup.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`setup-portkey.sh exited with ${code ?? 'a signal'}`));
    });
  });
}

export async function portkeyVersions(): Promise<string> {
  const version = async (pkg: string): Promise<string> => {
    try {
      const text = await readFile(join(PORTKEY_DIR, 'node_modules', pkg, 'package.json'), 'utf8');
      return (JSON.parse(text) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  return `@portkey-ai/gateway ${await version('@portkey-ai/gateway')}, @hono/node-server ${await version('@hono/node-server')}`;
}

export async function startPortkey(scripts: ChildScripts): Promise<Server> {
  const port = await freePort();
  // Portkey listens on every interface; the preload pins it to loopback.
  const child = await spawnChild('portkey', process.execPath, ['--import', scripts.loopbackOnly, PORTKEY_ENTRY, `--port=${port}`, '--headless'], {
    cwd: PORTKEY_DIR,
  });
  return started(child, port, '/', 30_000);
}
