#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=20 --liftoff-only
/**
 * ai-gateway [--config FILE] [--port N] [--workers N]
 * ai-gateway check [--config FILE]
 *
 * V8 flags (here, in `npm start` and in the bench; workers inherit them), each measured under load
 * (README, Performance). A proxy's heap is mostly short-lived request objects over a small live set
 * (~11–15 MB); V8's defaults, tuned for large applications, reserve memory it never uses:
 * - `--max-semi-space-size=4`: a young generation of 2 × 4 MB instead of 2 × 16 (interleaved A/B:
 *   ~15 MB less resident from 16 to 8, ~9 MB more from 8 to 4), throughput within the noise;
 * - `--heap-growing-percent=20`: after a full GC the old generation may grow by 20% (at least
 *   8 MB) before the next one, not up to 4× — under steady load the old space levels off at
 *   ~19 MB instead of creeping towards ~45 MB, and a full GC every ~20 s costs next to nothing;
 * - `--liftoff-only`: undici parses HTTP with a WebAssembly build of llhttp, and V8's optimising
 *   WebAssembly tier compiles it with ~30 MB of transient memory during the first requests; the
 *   baseline (Liftoff) code parses as fast here, so the spike is simply not paid.
 */
import cluster from 'node:cluster';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError } from './config/errors.js';
import { prepare, credentialLines, deadRouters, strictProblems, type Startup } from './startup.js';
import { createLogging } from './observability/logger.js';
import { createGateway } from './server/gateway.js';
import { createHttpServer } from './server/http-server.js';

const HELP = `ai-gateway — one OpenAI-compatible endpoint in front of every provider

Usage:
  ai-gateway [--config FILE] [--port N] [--workers N]   start the gateway
  ai-gateway check [--config FILE] [--strict]           validate the config and show credentials
                                                        (--strict: unknown keys are errors too)

Options:
  -c, --config FILE   config file (default: ./ai-gateway-config.yaml, else the embedded default)
  -p, --port N        port to listen on (overrides server.port)
  -w, --workers N     processes sharing the port (overrides server.workers)
  -h, --help          show this help
  -v, --version       show the version

Provider keys come from the environment or ./.env: OPENAI_API_KEY, ANTHROPIC_API_KEY,
GEMINI_API_KEY, MISTRAL_API_KEY, AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_REGION) for
Bedrock, {NAME}_API_KEY for any other provider; Ollama needs none.
Any config key can be set as AI_GATEWAY__SECTION__KEY (e.g. AI_GATEWAY__SERVER__PORT=9000).`;

async function version(): Promise<string> {
  const text = await readFile(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function parsePositiveInt(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 65535) fail(`${flag} expects a whole number, got "${value}"`);
  return n;
}

async function load(configPath: string | undefined): Promise<Startup> {
  try {
    return await prepare(configPath, process.cwd(), process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

function runCheck(startup: Startup, strict = false): void {
  const { loaded, compiled } = startup;
  const out: string[] = [`config: ${loaded.source}: valid`];
  out.push('credentials:', ...credentialLines(compiled).map((l) => `  ${l}`));
  out.push('routers:');
  for (const router of compiled.routers.values()) {
    const usable = router.targets.map((t) => t.provider.name + (t.fixedModel ? `/${t.fixedModel}` : ''));
    out.push(`  ${router.id}: ${router.strategy.name} over ${usable.join(', ') || '(nothing usable)'}`);
  }
  for (const w of compiled.warnings) out.push(`warning: ${w}`);
  for (const key of compiled.notImplemented) out.push(`note: "${key}" is accepted but not acted on yet`);
  const dead = deadRouters(compiled);
  const ignored = strict ? strictProblems(startup) : [];
  if (ignored.length > 0) out.push(`error: --strict: ${ignored.length} key(s) in the config are ignored (warnings above)`);
  if (dead.length > 0) out.push(`error: router(s) ${dead.join(', ')} can use no provider — set the missing credentials`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (dead.length > 0 || ignored.length > 0) process.exit(1);
}

async function serve(startup: Startup, portOverride: number | undefined, workers: number): Promise<void> {
  const { loaded, compiled, dotenvNames } = startup;
  const logging = createLogging(compiled.config.telemetry.level);
  const { logger } = logging;
  const isPrimary = cluster.isPrimary;
  if (isPrimary) {
    logger.info({ source: loaded.source, envOverrides: loaded.envOverrides, dotenv: dotenvNames }, 'config loaded');
    for (const line of credentialLines(compiled)) logger.info(`credentials: ${line}`);
    for (const w of compiled.warnings) logger.warn(w);
    for (const key of compiled.notImplemented) logger.warn(`config: "${key}" is accepted but not acted on yet`);
  }
  const { address } = compiled.config.server;
  const port = portOverride ?? compiled.config.server.port;
  const scheme = compiled.config.server.tls ? 'https' : 'http';
  if (workers > 1 && isPrimary) {
    // Workers share the port (the primary accepts and hands connections out); each has its own
    // gateway state — see the README on what is per process.
    for (let i = 0; i < workers; i++) cluster.fork();
    let listening = 0;
    cluster.on('listening', (_worker, bound) => {
      if (++listening === workers) logger.info({ address, port: bound.port, workers }, `listening on ${scheme}://${address}:${bound.port}`);
    });
    let stopping = false;
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      logger.error({ pid: worker.process.pid, code, signal }, 'worker exited; starting a new one');
      cluster.fork();
    });
    const stop = (): void => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return;
  }
  const gateway = createGateway(compiled, logging);
  const server = createHttpServer(gateway);
  server.on('error', (err) => fail(`cannot listen on ${address}:${port}: ${err.message}`));
  server.listen(port, address, () => {
    const actual = server.address();
    const boundPort = typeof actual === 'object' && actual ? actual.port : port;
    if (cluster.isPrimary) logger.info({ address, port: boundPort }, `listening on ${scheme}://${address}:${boundPort}`);
  });
  const shutdown = (): void => {
    server.close(() => {
      gateway.upstream.close();
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), compiled.config.server['shutdown-timeout']).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        workers: { type: 'string', short: 'w' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        strict: { type: 'boolean' },
      },
    });
  } catch (err) {
    fail(`${(err as Error).message}\nRun "ai-gateway --help" for usage.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (values.version) {
    process.stdout.write(`${await version()}\n`);
    return;
  }
  const command = positionals[0];
  if (command !== undefined && command !== 'check' && command !== 'serve') fail(`unknown command "${command}"\nRun "ai-gateway --help" for usage.`);
  const port = parsePositiveInt(values.port, '--port', 0);
  const workersFlag = parsePositiveInt(values.workers, '--workers', 1);
  const startup = await load(values.config);
  if (command === 'check') return runCheck(startup, values.strict);
  await serve(startup, port, workersFlag ?? startup.compiled.config.server.workers);
}

main().catch((err: unknown) => fail(`ai-gateway failed to start: ${(err as Error).message}`));
