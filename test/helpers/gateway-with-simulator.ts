/**
 * Inside a `describe`: starts a simulator and the real gateway process pointed at it before the
 * tests, stops both after.
 *
 *   const ctx = gatewayWithSimulator(startOversizedSimulator, (sim) => yamlFor(sim.url), env);
 *   test('…', () => ctx.sim.setNext(…); fetch(`${ctx.gw.url}/…`));
 */
import { after, before } from 'node:test';
import { startGateway, type GatewayProcess } from './gateway.js';

export interface Simulated<S> {
  readonly sim: S;
  readonly gw: GatewayProcess;
}

export function gatewayWithSimulator<S extends { url: string; close(): Promise<void> }>(
  startSimulator: () => Promise<S>,
  config: (sim: S) => string,
  env: Record<string, string>,
): Simulated<S> {
  const ctx = {} as { sim: S; gw: GatewayProcess };
  before(async () => {
    ctx.sim = await startSimulator();
    ctx.gw = await startGateway({ config: config(ctx.sim), env });
  });
  after(async () => {
    await ctx.gw?.stop();
    await ctx.sim?.close();
  });
  return ctx;
}

/**
 * OpenAI and Anthropic both at one simulator (or each at its own, `anthropicUrl`), with routers
 * `oa` (openai only) and `an` (anthropic only); `extra` is more top-level YAML, `models` the
 * providers' model lists.
 */
export function openaiAndAnthropicAt(
  simUrl: string,
  extra = '',
  options: { anthropicUrl?: string; openaiModels?: string[]; anthropicModels?: string[] } = {},
): string {
  const models = (list: string[] | undefined): string => (list ? `, models: [${list.join(', ')}]` : '');
  return `
providers:
  openai: { base-url: "${simUrl}"${models(options.openaiModels)} }
  anthropic: { base-url: "${options.anthropicUrl ?? simUrl}"${models(options.anthropicModels)} }
routers:
  oa:
    load-balance:
      chat: { strategy: latency, providers: [openai] }
  an:
    load-balance:
      chat: { strategy: latency, providers: [anthropic] }
${extra}`;
}
