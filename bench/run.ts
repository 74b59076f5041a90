/**
 * `npm run bench`: what the gateway adds on top of an upstream, next to a do-nothing Node proxy
 * (the floor) and Portkey (a peer), on 127.0.0.1 against the upstream simulator.
 *
 * Scenarios: latency profile (fast = 0 ms upstream, realistic = first byte 50 ± 10 ms and 5 ms
 * between SSE events) × non-streaming/streaming × CONNS and 1 connection(s). Targets alternate in
 * short slices over several rounds; req/s and p50 are medians over rounds (ratios: medians of
 * per-round ratios), p99 is over every response of every round. Writes bench/results/<UTC>.md and .json.
 *
 * Env knobs: DURATION (s per slice, 3), ROUNDS (4), CONNS (50), WARMUP (s per target, 1),
 * SEQ (1 = also c=1), SEQ_ROUNDS (10), SEQ_DURATION (s per c=1 slice, 1.5), CHUNKS (SSE content chunks, 20), PROFILES (fast,realistic), MODES (json,stream),
 * REAL_TTFB_MS (50), REAL_JITTER_MS (10), REAL_GAP_MS (5), REALISTIC_SEQ (0 = realistic at CONNS only),
 * SKIP_PORTKEY=1, SKIP_GATEWAY=1, GATEWAY_WORKERS (1), GATEWAY_LOG_LEVEL (unset = the product default).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { buildChildScripts } from './lib/child-scripts.js';
import { BENCH_DIR, installCleanup, stopAll, stopChild } from './lib/children.js';
import { computeRatios, renderMarkdown, type ProcessMemory, type ScenarioRatios } from './lib/report.js';
import { RssSampler } from './lib/rss.js';
import { runScenario, type ScenarioResult } from './lib/scenario.js';
import {
  ensurePortkey, gatewayAvailable, gatewayVersion, GATEWAY_CLI, portkeyVersions, startGateway, startNoopProxy, startPortkey, startSimulator,
  type Server,
} from './lib/servers.js';
import { envNumber, parseSeconds } from './lib/stats.js';
import {
  ANTHROPIC_MODEL, OPENAI_MODEL, TARGET_LABELS, anthropicTarget, openaiTarget, smoke, type Mode, type Target,
} from './lib/targets.js';

interface Profile {
  name: string;
  prefix: string;
  description: string;
  connections: number[];
}

const settings = {
  sliceSec: parseSeconds(process.env.DURATION, 3),
  rounds: Math.max(1, envNumber('ROUNDS', 4)),
  // One connection measures a few hundred microseconds: more, shorter slices track the drift.
  seqRounds: Math.max(1, envNumber('SEQ_ROUNDS', 10)),
  seqSliceSec: parseSeconds(process.env.SEQ_DURATION, 1.5),
  conns: Math.max(1, envNumber('CONNS', 50)),
  warmupSec: parseSeconds(process.env.WARMUP, 1),
  seq: process.env.SEQ !== '0',
  chunks: Math.max(1, envNumber('CHUNKS', 20)),
  skipPortkey: process.env.SKIP_PORTKEY === '1',
  skipGateway: process.env.SKIP_GATEWAY === '1',
  workers: Math.max(1, envNumber('GATEWAY_WORKERS', 1)),
  logLevel: process.env.GATEWAY_LOG_LEVEL,
  realistic: { ttfbMs: envNumber('REAL_TTFB_MS', 50), jitterMs: envNumber('REAL_JITTER_MS', 10), gapMs: envNumber('REAL_GAP_MS', 5) },
  realisticSeq: process.env.REALISTIC_SEQ === '1',
  profiles: (process.env.PROFILES ?? 'fast,realistic').split(',').map((s) => s.trim()).filter(Boolean),
  modes: (process.env.MODES ?? 'json,stream').split(',').map((s) => s.trim()).filter((s): s is Mode => s === 'json' || s === 'stream'),
};
if (process.env.WARMUP === '0') settings.warmupSec = 0;

function profiles(): Profile[] {
  const all: Profile[] = [];
  const conns = settings.seq && settings.conns !== 1 ? [settings.conns, 1] : [settings.conns];
  if (settings.profiles.includes('fast')) all.push({ name: 'fast', prefix: '', description: 'upstream answers at once', connections: conns });
  if (settings.profiles.includes('realistic')) {
    const { ttfbMs, jitterMs, gapMs } = settings.realistic;
    all.push({
      name: 'realistic',
      prefix: `/p/${ttfbMs}/${jitterMs}/${gapMs}`,
      description: `first byte after ${ttfbMs} ± ${jitterMs} ms, ${gapMs} ms between SSE events`,
      connections: settings.realisticSeq ? conns : [settings.conns],
    });
  }
  return all;
}

const log = (line: string): void => console.log(line);
const mb = (kb: number): number => kb / 1024;

function utcStamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

async function main(): Promise<void> {
  installCleanup();
  const stamp = utcStamp();
  const unavailable: string[] = [];
  const notes: string[] = [];
  const memory: ProcessMemory[] = [];
  const loadBefore = os.loadavg()[0];

  const scripts = await buildChildScripts();
  const sim = await startSimulator(scripts, { chunks: settings.chunks });
  const simRss = new RssSampler(sim.child.pid).start();
  const noop = await startNoopProxy(scripts, sim.origin);
  const noopRss = new RssSampler(noop.child.pid).start();

  let portkey: Server | undefined;
  let portkeyRss: RssSampler | undefined;
  let portkeyLabel = 'skipped (SKIP_PORTKEY=1)';
  if (!settings.skipPortkey) {
    try {
      await ensurePortkey();
      portkey = await startPortkey(scripts);
      portkeyRss = new RssSampler(portkey.child.pid).start();
      portkeyLabel = await portkeyVersions();
    } catch (error) {
      portkeyLabel = 'failed to start';
      unavailable.push(`Portkey: ${(error as Error).message.split('\n')[0]}`);
    }
  } else {
    unavailable.push('Portkey: skipped (SKIP_PORTKEY=1)');
  }

  const haveGateway = !settings.skipGateway && (await gatewayAvailable());
  if (settings.skipGateway) unavailable.push('gateway: skipped (SKIP_GATEWAY=1)');
  else if (!haveGateway) unavailable.push(`gateway: ${GATEWAY_CLI} not found (run npm run build)`);

  const plan = profiles();
  const scenarios: ScenarioResult[] = [];
  const ratios: ScenarioRatios[] = [];

  for (const profile of plan) {
    const openaiPath = `${profile.prefix}/v1/chat/completions`;
    const targets: Target[] = [
      openaiTarget('direct', sim.origin + openaiPath),
      openaiTarget('noop', noop.origin + openaiPath),
    ];
    if (portkey) {
      targets.push(openaiTarget('portkey', `${portkey.origin}/v1/chat/completions`, OPENAI_MODEL, {
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${sim.origin}${profile.prefix}/v1`,
      }));
    }
    const directAnthropic = anthropicTarget(`${sim.origin}${profile.prefix}/v1/messages`);

    let gateway: Server | undefined;
    let gatewayRss: RssSampler | undefined;
    if (haveGateway) {
      try {
        gateway = await startGateway(scripts, { name: `gateway-${profile.name}`, upstreamBaseUrl: `${sim.origin}${profile.prefix}/`, workers: settings.workers, logLevel: settings.logLevel });
        gatewayRss = new RssSampler(gateway.child.pid).start();
        targets.push(openaiTarget('gateway', `${gateway.origin}/router/pass/chat/completions`));
        targets.push(openaiTarget('gateway-translate', `${gateway.origin}/router/translate/chat/completions`, ANTHROPIC_MODEL, {}, 'direct-anthropic'));
      } catch (error) {
        unavailable.push(`gateway (${profile.name}): did not start: ${(error as Error).message.split('\n').slice(0, 4).join(' / ')}`);
      }
    }

    for (const mode of settings.modes) {
      // Smoke first: only targets that answer correctly get measured.
      const reference = await smoke(targets[0], mode);
      if (!reference.ok) throw new Error(`the simulator itself fails (${mode}): ${reference.detail ?? ''}`);
      const anthropicReference = await smoke(directAnthropic, mode);
      if (!anthropicReference.ok) throw new Error(`the simulator's Anthropic endpoint fails (${mode}): ${anthropicReference.detail ?? ''}`);
      const active: Target[] = [targets[0]];
      for (const target of targets.slice(1)) {
        const expected = target.baseline === 'direct-anthropic' ? anthropicReference.text : reference.text;
        const check = await smoke(target, mode, expected);
        if (check.ok) {
          if (target.id === 'gateway-translate') active.push(directAnthropic);
          active.push(target);
        } else {
          unavailable.push(`${TARGET_LABELS[target.id]} (${profile.name}, ${mode}): ${check.detail ?? 'failed'}`);
          log(`n/a: ${TARGET_LABELS[target.id]} (${profile.name}, ${mode}): ${check.detail ?? 'failed'}`);
        }
      }
      for (const connections of profile.connections) {
        const [rounds, sliceSec] = connections === 1 ? [settings.seqRounds, settings.seqSliceSec] : [settings.rounds, settings.sliceSec];
        const perTarget = settings.warmupSec + rounds * sliceSec;
        log(`\n== ${profile.name} (${profile.description}), ${mode}, c=${connections}: ${active.length} targets, ~${Math.round(active.length * perTarget)} s`);
        const scenario = await runScenario(
          { profile: profile.name, mode, connections, targets: active, rounds, sliceSec, warmupSec: settings.warmupSec },
          log,
        );
        scenarios.push(scenario);
        ratios.push(computeRatios(scenario));
      }
    }

    if (gateway && gatewayRss) {
      await gatewayRss.sample();
      gatewayRss.stop();
      memory.push({ name: `gateway (${profile.name} profile, fresh process)`, idleMb: mb(gatewayRss.firstKb), peakMb: mb(gatewayRss.peakKb), endMb: mb(gatewayRss.lastKb) });
      await stopChild(gateway.child);
    }
  }

  for (const [name, sampler] of [['noop proxy', noopRss], ['Portkey', portkeyRss], ['upstream simulator', simRss]] as const) {
    if (!sampler) continue;
    await sampler.sample();
    sampler.stop();
    memory.push({ name, idleMb: mb(sampler.firstKb), peakMb: mb(sampler.peakKb), endMb: mb(sampler.lastKb) });
  }
  try {
    const stats = await (await fetch(`${sim.origin}/stats`)).text();
    notes.push(`requests served by the simulator: ${stats}`);
  } catch {
    // the simulator is gone; the numbers above still stand
  }
  await stopAll();

  const cpu = os.cpus();
  const header = [
    `host: ${cpu.length} vCPU ${cpu[0]?.model ?? ''}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, load average ${loadBefore.toFixed(2)} before / ${os.loadavg()[0].toFixed(2)} after; load generator, simulator and target share the machine, unpinned`,
    `method: autocannon (programmatic), ${settings.rounds} rounds × ${settings.sliceSec} s slices per target (c=1: ${settings.seqRounds} × ${settings.seqSliceSec} s), targets alternating (each round starts with the next one), ${settings.warmupSec} s warm-up per target and scenario; req/s and p50 are medians over rounds and their ratios medians of per-round ratios; p99 is over every response of every round`,
    `requests: OpenAI chat completion (${OPENAI_MODEL}; ${ANTHROPIC_MODEL} on the translated route), ~110 B body; non-streaming reply ~300 B; streaming reply ${settings.chunks} content chunks`,
    `gateway: ai-gateway ${haveGateway ? await gatewayVersion() : 'n/a'} (node dist/cli.js, ${settings.workers} worker${settings.workers > 1 ? 's' : ''}, log level ${settings.logLevel ?? 'default'}, logs to a file); routes /router/pass (OpenAI passthrough) and /router/translate (OpenAI→Anthropic)`,
    `peer: Portkey ${portkeyLabel}; floor: noop proxy (node:http, keep-alive Agent, piped bodies)`,
    `profiles: ${plan.map((p) => `${p.name} = ${p.description} (c=${p.connections.join(', ')})`).join('; ')}`,
  ];
  const input = { stamp, header, scenarios, ratios, memory, unavailable, notes };
  const markdown = renderMarkdown(input);
  const resultsDir = join(BENCH_DIR, 'results');
  await mkdir(resultsDir, { recursive: true });
  const mdPath = join(resultsDir, `${stamp}.md`);
  const jsonPath = join(resultsDir, `${stamp}.json`);
  await writeFile(mdPath, markdown + '\n');
  await writeFile(jsonPath, JSON.stringify({ settings, ...input }, null, 2) + '\n');
  console.log(`\n${markdown}\nsaved ${mdPath}\n      ${jsonPath}`);
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  await stopAll();
  process.exit(1);
});
