/**
 * ai-gateway [--config FILE] [--port N] [--workers N] [--verbose]
 * ai-gateway check [--config FILE] [--strict]
 * ai-gateway logs|usage [--config FILE] [options]   (cli/logs.ts, cli/usage.ts)
 */
import cluster from 'node:cluster';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors.js';
import { prepare, credentialLines, deadRouters, strictProblems, type Startup } from '../startup.js';
import { createLogging } from '../observability/logger.js';
import { fail } from './fail.js';
import { serveProcess } from './serve.js';
import type { NodeFlagsReport } from './v8-flags.js';
import { runPrimary } from './workers.js';
import type { LoadStartup } from './audit-args.js';

const HELP = `ai-gateway — one OpenAI-compatible endpoint in front of every provider

Usage:
  ai-gateway [--config FILE] [--port N] [--workers N]   start the gateway
  ai-gateway check [--config FILE] [--strict]           validate the config and show credentials
                                                        (--strict: unknown keys are errors too)
  ai-gateway logs [--since 1h] [--provider P] [--status 5xx] [--json] [--follow] …
                                                        the audit log's requests, newest first
  ai-gateway usage [--since 30d] [--by provider|provider-key|router|model|key|day] [--json]
                                                        requests, tokens and cost, grouped
                                                        (ai-gateway logs --help, usage --help)

Options:
  -c, --config FILE   config file (default: ./ai-gateway-config.yaml, else the embedded default)
  -p, --port N        port to listen on (overrides server.port)
  -w, --workers N     processes sharing the port (overrides server.workers)
  -v, --verbose       log at debug level (overrides telemetry.level)
  -h, --help          show this help
      --version       show the version

Provider keys come from the environment or ./.env: OPENAI_API_KEY, ANTHROPIC_API_KEY,
GEMINI_API_KEY, MISTRAL_API_KEY, AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_REGION) for
Bedrock, AZURE_OPENAI_API_KEY (+ AZURE_OPENAI_ENDPOINT) for Azure OpenAI, {NAME}_API_KEY for any
other provider; Ollama needs none.
Any config key can be set as AI_GATEWAY__SECTION__KEY (e.g. AI_GATEWAY__SERVER__PORT=9000).`;

async function version(): Promise<string> {
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
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

interface ServeFlags {
  port: number | undefined;
  workers: number | undefined;
  verbose: boolean;
}

async function serve(startup: Startup, flags: ServeFlags, nodeFlags: NodeFlagsReport): Promise<void> {
  const { loaded, compiled, dotenvNames } = startup;
  const logging = createLogging(flags.verbose ? 'debug' : compiled.config.telemetry.level);
  const { logger } = logging;
  const port = flags.port ?? compiled.config.server.port;
  const workers = flags.workers ?? compiled.config.server.workers;
  logger.debug({ pid: process.pid, nodeFlags, execArgv: process.execArgv }, 'V8 flags');
  if (cluster.isPrimary) {
    logger.info({ source: loaded.source, envOverrides: loaded.envOverrides, dotenv: dotenvNames }, 'config loaded');
    for (const line of credentialLines(compiled)) logger.info(`credentials: ${line}`);
    for (const w of compiled.warnings) logger.warn(w);
    for (const key of compiled.notImplemented) logger.warn(`config: "${key}" is accepted but not acted on yet`);
    if (workers > 1) {
      runPrimary({ workers, address: compiled.config.server.address, scheme: compiled.config.server.tls ? 'https' : 'http', shutdownTimeoutMs: compiled.config.server['shutdown-timeout'], logger });
      return;
    }
  }
  await serveProcess(compiled, logging, port);
}

type Command = (argv: string[], load: LoadStartup) => Promise<void>;

/** Commands with options of their own (loaded only when run): the first word after the global options. */
function auditCommand(argv: string[]): { run: () => Promise<Command>; args: string[] } | undefined {
  const takesValue = new Set(['-c', '--config', '-p', '--port', '-w', '--workers']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (takesValue.has(arg)) i++;
    else if (!arg.startsWith('-')) {
      const args = [...argv.slice(0, i), ...argv.slice(i + 1)];
      if (arg === 'logs') return { run: async () => (await import('./logs.js')).runLogs, args };
      if (arg === 'usage') return { run: async () => (await import('./usage.js')).runUsage, args };
      return undefined;
    }
  }
  return undefined;
}

async function main(nodeFlags: NodeFlagsReport): Promise<void> {
  const audit = auditCommand(process.argv.slice(2));
  if (audit) return (await audit.run())(audit.args, load);
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        workers: { type: 'string', short: 'w' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
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
  const workers = parsePositiveInt(values.workers, '--workers', 1);
  const startup = await load(values.config);
  if (command === 'check') return runCheck(startup, values.strict);
  await serve(startup, { port, workers, verbose: values.verbose === true }, nodeFlags);
}

export function run(nodeFlags: NodeFlagsReport): void {
  main(nodeFlags).catch((err: unknown) => fail(`ai-gateway failed to start: ${(err as Error).message}`));
}
