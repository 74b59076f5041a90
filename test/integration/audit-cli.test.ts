/**
 * `ai-gateway logs` and `ai-gateway usage` (dist/cli.js) against an audit log this test writes —
 * the way an operator runs them beside a serving gateway: the database found through the
 * config's storage.path, read while a writer has it open, `--follow` printing a record written
 * after it started.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openAuditLog, type AuditLog } from '../../src/observability/audit/index.js';
import type { RequestRecord } from '../../src/observability/records/request-record.js';
import { attempt, quietLogger, record } from '../helpers/audit-records.js';
import { CLI, baseEnv, runCli } from '../helpers/gateway.js';

const MIN = 60_000;
const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();

const anthropicKey = 'env:ANTHROPIC_API_KEY …7890';
const fixtures = {
  served: record({ request_id: 'r-served', time: ago(10 * MIN), gateway_key: 'team-a', input_tokens: 120, output_tokens: 30, cost_usd: 0.000123 }),
  claude: record({
    request_id: 'r-claude', time: ago(120 * MIN), router: 'an', provider: 'anthropic', model: 'claude-3-5-haiku-latest', model_requested: 'claude-3-5-haiku-latest',
    provider_key: anthropicKey, input_tokens: 1000, output_tokens: 200, cached_tokens: 0, cache_write_tokens: 400, reasoning_tokens: 50, cost_usd: 0.002,
    attempts: [attempt({ provider: 'anthropic', provider_key: anthropicKey, model: 'claude-3-5-haiku-latest' })],
  }),
  failed: record({
    request_id: 'r-failed', time: ago(30 * MIN), status: 503, outcome: 'error', error_code: 'provider_unavailable', input_tokens: null, output_tokens: null,
    cached_tokens: null, cache_write_tokens: null, reasoning_tokens: null, cost_usd: null, price_source: null, first_byte_ms: null, overhead_ms: null,
    attempts: [attempt({ ok: false, status: 503, error_code: 'provider_unavailable', error: '503 from upstream' }), attempt({ attempt: 2, ok: false, status: 503, error_code: 'provider_unavailable', error: '503 again' })],
  }),
  unpriced: record({ request_id: 'r-unpriced', time: ago(3 * 24 * 60 * MIN), model: 'my-model', model_requested: 'my-model', input_tokens: 200, output_tokens: 10, cached_tokens: 0, cost_usd: null, price_source: null }),
  old: record({ request_id: 'r-old', time: ago(40 * 24 * 60 * MIN), cost_usd: 5 }),
  limited: record({
    request_id: 'r-limited', time: ago(5 * MIN), status: 429, outcome: 'error', error_code: 'rate_limited', input_tokens: null, output_tokens: null,
    cached_tokens: null, cache_write_tokens: null, reasoning_tokens: null, cost_usd: null, price_source: null, attempts: [attempt({ ok: false, status: 429, error_code: 'rate_limited' })],
  }),
} satisfies Record<string, RequestRecord>;

describe('ai-gateway logs / usage', () => {
  let cwd: string;
  let log: AuditLog;
  const run = (...args: string[]) => runCli([...args, '--config', 'ai-gateway-config.yaml'], { cwd });
  const ids = (stdout: string): string[] => stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as RequestRecord).request_id);

  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'ai-gateway-audit-cli-'));
    await writeFile(join(cwd, 'ai-gateway-config.yaml'), 'storage:\n  path: ./gateway-data\naudit:\n  retention: 90d\n');
    // The writer stays open through the tests, as a serving gateway's would.
    log = await openAuditLog({ path: join(cwd, 'gateway-data'), retentionMs: 90 * 24 * 60 * MIN, bodies: false }, quietLogger().logger);
    for (const r of Object.values(fixtures)) log.write(r);
    await log.flush();
  });

  after(async () => {
    await log?.close();
  });

  test('logs: the last 24 h, newest first, as a table with who served and with which key', async () => {
    const res = await run('logs');
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^TIME \(UTC\)\s+STATUS\s+ROUTER\s+PROVIDER\s+MODEL\s+IN\s+OUT\s+COST\s+LATENCY\s+PROVIDER KEY\s+GATEWAY KEY\s+TRIES\s+ERROR$/);
    assert.equal(lines.length, 5, res.stdout);
    assert.match(lines[1], /\s429\s+oa\s+openai\s+gpt-4o-mini\s+-\s+-\s+-\s+\d+ms\s+env:OPENAI_API_KEY …cdef\s+rate_limited$/);
    assert.match(lines[2], /\s200\s+oa\s+openai\s+gpt-4o-mini\s+120\s+30\s+\$0\.000123\s+95ms\s+env:OPENAI_API_KEY …cdef\s+team-a$/);
    assert.match(lines[3], /\s503\s.*\s2\s+provider_unavailable$/);
    assert.match(lines[4], /\s200\s+an\s+anthropic\s+claude-3-5-haiku-latest\s+1000\s+200\s+\$0\.002000\s.*env:ANTHROPIC_API_KEY …7890/);
    assert.match(lines[2], new RegExp(`^${fixtures.served.time.slice(0, 19).replace('T', ' ')}\\s`));
  });

  test('logs --json: one record per line with the record field names, attempts included', async () => {
    const res = await run('logs', '--json', '--since', '7d');
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(ids(res.stdout), ['r-limited', 'r-served', 'r-failed', 'r-claude', 'r-unpriced']);
    const records = res.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as RequestRecord);
    assert.deepEqual(records[2], fixtures.failed);
    assert.deepEqual(Object.keys(records[0]), Object.keys(fixtures.limited));
  });

  test('logs filters: provider, router, gateway key, status classes, until, limit', async () => {
    const json = async (...args: string[]) => {
      const res = await run('logs', '--json', ...args);
      assert.equal(res.code, 0, res.stderr);
      return ids(res.stdout);
    };
    assert.deepEqual(await json('--provider', 'anthropic'), ['r-claude']);
    assert.deepEqual(await json('--router', 'an'), ['r-claude']);
    assert.deepEqual(await json('--key', 'team-a'), ['r-served']);
    assert.deepEqual(await json('--status', '5xx'), ['r-failed']);
    assert.deepEqual(await json('--status', '429,5xx'), ['r-limited', 'r-failed']);
    assert.deepEqual(await json('--status', '2xx', '--since', '1h'), ['r-served']);
    assert.deepEqual(await json('--since', '1h', '--until', '15m'), ['r-failed']);
    assert.deepEqual(await json('--since', new Date(Date.now() - 100 * 24 * 60 * MIN).toISOString().slice(0, 10), '--limit', '2'), ['r-limited', 'r-served']);
    assert.deepEqual(await json('--since', '100d', '--until', '30d'), ['r-old']);
  });

  test('usage: requests, tokens and cost per provider over 30 days, a totals row, unknown cost never $0', async () => {
    const res = await run('usage', '--json');
    assert.equal(res.code, 0, res.stderr);
    const report = JSON.parse(res.stdout) as { by: string; groups: Record<string, unknown>[]; total: Record<string, unknown> };
    assert.equal(report.by, 'provider');
    assert.deepEqual(report.groups, [
      { group: 'anthropic', requests: 1, errors: 0, input_tokens: 1000, output_tokens: 200, cached_tokens: 0, cache_write_tokens: 400, reasoning_tokens: 50, cost_usd: 0.002, unpriced: 0 },
      { group: 'openai', requests: 4, errors: 2, input_tokens: 320, output_tokens: 40, cached_tokens: 100, cache_write_tokens: 0, reasoning_tokens: 0, cost_usd: 0.000123, unpriced: 1 },
    ]);
    assert.equal(report.total.requests, 5);
    assert.equal(report.total.unpriced, 1);
    assert.ok(Math.abs((report.total.cost_usd as number) - 0.002123) < 1e-12);

    const table = await run('usage');
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[1], /^PROVIDER\s+REQUESTS\s+ERRORS\s+INPUT\s+OUTPUT\s+CACHED\s+CACHE WRITE\s+REASONING\s+COST \(USD\)\s+UNPRICED$/);
    assert.match(lines[2], /^anthropic\s+1\s+0\s+1,000\s+200\s+0\s+400\s+50\s+\$0\.002000$/);
    assert.match(lines[3], /^openai\s+4\s+2\s+320\s+40\s+100\s+0\s+0\s+\$0\.000123 \+ unknown\s+1$/);
    assert.match(lines[4], /^total\s+5\s+2\s+1,320\s+240\s+100\s+400\s+50\s+\$0\.002123 \+ unknown\s+1$/);
    assert.match(lines[5], /^unknown: 1 answered request/);
  });

  test('usage --by model, provider-key, key, router and day', async () => {
    const groups = async (...args: string[]) => {
      const res = await run('usage', '--json', ...args);
      assert.equal(res.code, 0, res.stderr);
      return (JSON.parse(res.stdout) as { groups: { group: string | null; requests: number; cost_usd: number | null }[] }).groups.map((g) => [g.group, g.requests, g.cost_usd]);
    };
    assert.deepEqual(await groups('--by', 'model'), [['anthropic/claude-3-5-haiku-latest', 1, 0.002], ['openai/gpt-4o-mini', 3, 0.000123], ['openai/my-model', 1, null]]);
    assert.deepEqual(await groups('--by', 'provider-key'), [[anthropicKey, 1, 0.002], ['env:OPENAI_API_KEY …cdef', 4, 0.000123]]);
    assert.deepEqual(await groups('--by', 'key'), [[null, 4, 0.002], ['team-a', 1, 0.000123]]);
    assert.deepEqual(await groups('--by', 'router', '--since', '1h'), [['oa', 3, 0.000123]]);
    const days = await groups('--by', 'day', '--since', '100d');
    assert.deepEqual(days.map((d) => d[0]), [...days.map((d) => d[0])].sort(), 'days in order');
    assert.equal(days[0][0], fixtures.old.time.slice(0, 10));
    const modelTable = await run('usage', '--by', 'model', '--since', '30d');
    assert.match(modelTable.stdout, /^openai\/my-model\s+1\s+0\s+200\s+10\s+0\s+0\s+0\s+unknown\s+1$/m);
  });

  test('logs --follow prints the latest, then a record written after it started, until SIGINT', async () => {
    const child = spawn(process.execPath, [CLI, 'logs', '--follow', '--json', '--limit', '3', '--config', 'ai-gateway-config.yaml'], { cwd, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const waitFor = async (n: number) => {
      for (let i = 0; i < 200 && out.split('\n').filter(Boolean).length < n; i++) await new Promise((r) => setTimeout(r, 25));
      return ids(out);
    };
    // The last three, oldest first, as tail -f shows them.
    assert.deepEqual(await waitFor(3), ['r-failed', 'r-served', 'r-limited'], err);
    log.write(record({ request_id: 'r-live' }));
    log.write(record({ request_id: 'r-live-other-router', router: 'an', provider: 'anthropic' }));
    await log.flush();
    assert.deepEqual((await waitFor(5)).slice(3), ['r-live', 'r-live-other-router'], err);
    child.kill('SIGINT');
    assert.equal(await exited, 0, err);
  });

  test('logs --follow honours its filters for new records', async () => {
    const child = spawn(process.execPath, [CLI, 'logs', '-f', '--provider', 'anthropic', '--config', 'ai-gateway-config.yaml'], { cwd, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    for (let i = 0; i < 200 && !out.includes('PROVIDER KEY'); i++) await new Promise((r) => setTimeout(r, 25));
    log.write(record({ request_id: 'r-openai-ignored' }));
    log.write(record({ request_id: 'r-anthropic-shown', provider: 'anthropic', model: 'claude-follow-model' }));
    await log.flush();
    for (let i = 0; i < 200 && !out.includes('claude-follow-model'); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    const rows = out.trimEnd().split('\n');
    assert.match(rows[0], /^TIME \(UTC\)/);
    assert.ok(rows.every((r, i) => i === 0 || / anthropic /.test(r)), out);
    assert.match(out, /claude-follow-model/);
  });

  test('no database yet, or audit disabled: a clear error; bad flags are named', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'ai-gateway-audit-cli-empty-'));
    const res = await runCli(['logs'], { cwd: empty });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^ai-gateway logs: no audit log at .*ai-gateway-data\/ai-gateway\.db yet — the gateway creates it when it starts with this storage\.path \("\.\/ai-gateway-data\/"/);
    await writeFile(join(empty, 'ai-gateway-config.yaml'), 'audit:\n  enabled: false\n');
    const disabled = await runCli(['usage'], { cwd: empty });
    assert.equal(disabled.code, 1);
    assert.match(disabled.stderr, /audit\.enabled is false in .*ai-gateway-config\.yaml: the gateway records nothing/);
    for (const [args, message] of [
      [['logs', '--status', '6xx'], /--status expects/],
      [['logs', '--since', 'yesterday'], /--since expects a duration/],
      [['logs', '--limit', '0'], /--limit expects/],
      [['usage', '--by', 'colour'], /--by expects one of provider, provider-key, router, model, key, day/],
      [['logs', '--follow', '--until', '1h'], /takes no --until/],
      [['logs', '--port', '1'], /Unknown option '--port'/],
    ] as const) {
      const bad = await run(...args);
      assert.equal(bad.code, 1, args.join(' '));
      assert.match(bad.stderr, message);
    }
    const help = await runCli(['logs', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--follow/);
    const usageHelp = await runCli(['usage', '-h']);
    assert.match(usageHelp.stdout, /--by GROUP/);
  });
});
