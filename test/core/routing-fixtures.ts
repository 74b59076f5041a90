/** Builds compiled gateways for routing unit tests: a manual clock, seeded randomness. */
import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { compileGateway, type CompiledGateway } from '../../src/config/compile.js';
import { seededRandom } from '../../src/core/balance/strategy.js';

export interface ManualClock {
  (): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function manualClock(start = 1_000_000): ManualClock {
  let now = start;
  const clock = (() => now) as ManualClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}

export const TEST_ENV = {
  OPENAI_API_KEY: 'k-openai',
  ANTHROPIC_API_KEY: 'k-anthropic',
  GEMINI_API_KEY: 'k-gemini',
  BACKUP_API_KEY: 'k-backup',
  SPARE_API_KEY: 'k-spare',
};

export function compile(input: ConfigInput, options: { clock?: ManualClock; seed?: number; env?: Record<string, string> } = {}): CompiledGateway & { testClock: ManualClock } {
  const clock = options.clock ?? manualClock();
  const config = configSchema.parse(input);
  const compiled = compileGateway(config, options.env ?? TEST_ENV, { embedded: false, source: 'test', clock, random: seededRandom(options.seed ?? 42) });
  return Object.assign(compiled, { testClock: clock });
}

/** Two OpenAI-compatible providers serving the same models, plus the real openai/anthropic entries. */
export const CUSTOM_PROVIDERS = {
  backup: { 'base-url': 'http://127.0.0.1:9/v1', models: ['gpt-4o-mini', 'gpt-4o'] },
  spare: { 'base-url': 'http://127.0.0.1:10/v1', models: ['gpt-4o-mini'] },
};
