/**
 * Starts the real gateway process (dist/cli.js) on a free port with a config written to a
 * temporary directory, and collects everything it prints (for key-isolation checks).
 *
 *   const gw = await startGateway({ config: yamlText, env: { OPENAI_API_KEY: 'test-openai-key' } });
 *   new OpenAI({ baseURL: `${gw.url}/router/my-router`, apiKey: 'client-key' });
 *   gw.output()   // stdout + stderr so far
 *   await gw.stop()
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface GatewayProcess {
  url: string;
  port: number;
  dir: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** YAML text written to ai-gateway-config.yaml in the working directory; omit for the embedded default. */
  config?: string;
  /** Written to .env in the working directory. */
  dotenv?: string;
  env?: Record<string, string>;
  args?: string[];
  /** Pass --config explicitly (default) or rely on ./ai-gateway-config.yaml lookup. */
  explicitConfig?: boolean;
  /** How to start it (default: `node dist/cli.js`): node flags, `npm start --`, the bin; `detached`: in a process group of its own. */
  command?: { file: string; args: string[]; detached?: boolean };
}

/** A clean environment: nothing from the developer's shell leaks provider keys into tests. */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...extra };
}

export async function startGateway(options: StartOptions = {}): Promise<GatewayProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'ai-gateway-test-'));
  const args = [...(options.command?.args ?? [CLI])];
  if (options.config !== undefined) {
    await writeFile(join(dir, 'ai-gateway-config.yaml'), options.config);
    if (options.explicitConfig !== false) args.push('--config', join(dir, 'ai-gateway-config.yaml'));
  }
  if (options.dotenv !== undefined) await writeFile(join(dir, '.env'), options.dotenv);
  args.push('--port', '0', ...(options.args ?? []));
  const child = spawn(options.command?.file ?? process.execPath, args, { cwd: dir, env: baseEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'], detached: options.command?.detached });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 15_000);
    const check = (): void => {
      const match = /listening on https?:\/\/[^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs the CLI to completion (check, --help, bad configs). */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: baseEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
