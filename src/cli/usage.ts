/**
 * ai-gateway usage: requests, tokens and cost from the audit log, grouped (by provider, provider
 * key, router, model, gateway key or UTC day), with a totals row. A cost the price table did not
 * know is shown as unknown, never as $0.
 */
import { parseArgs } from 'node:util';
import { USAGE_GROUPS, totalUsage, type UsageGroup, type UsageRow } from '../observability/audit/reader.js';
import { openConfiguredAuditLog, recordFilter, type LoadStartup } from './audit-args.js';
import { fail } from './fail.js';
import { formatCost, formatCount, renderTable, type Column } from './table.js';

const HELP = `Usage: ai-gateway usage [options]   requests, tokens and cost from the audit log

Options:
  -c, --config FILE   the gateway's config (its storage.path names the database)
      --since WHEN    from: a duration back from now (1h, 7d, 30d) or a date/time (2026-01-01);
                      default 30d
      --until WHEN    up to (same forms)
      --by GROUP      provider (default), provider-key, router, model, key (gateway key) or day (UTC)
      --provider P, --router R, --key NAME   count only those requests
      --json          one JSON object: the groups and the total
  -h, --help          show this help

Tokens follow OpenAI's convention: input counts cached reads and cache writes, output counts
reasoning. "unknown" is the cost of answered requests without a price (a model missing from the
price table, or no usage reported).`;

type Line = Omit<UsageRow, 'group'> & { label: string };

const NONE: Record<UsageGroup, string> = {
  provider: '(none)',
  'provider-key': '(none)',
  router: '(passthrough)',
  model: '(none)',
  key: '(no gateway key)',
  day: '(none)',
};

function costCell(l: Line): string {
  if (l.cost_usd === null) return l.unpriced > 0 ? 'unknown' : '-';
  return l.unpriced > 0 ? `${formatCost(l.cost_usd)} + unknown` : formatCost(l.cost_usd);
}

const count = (pick: (l: Line) => number): ((l: Line) => string) => (l) => formatCount(pick(l));

function columns(by: UsageGroup): Column<Line>[] {
  return [
    { header: by.toUpperCase(), cell: (l) => l.label },
    { header: 'REQUESTS', cell: count((l) => l.requests), right: true },
    { header: 'ERRORS', cell: count((l) => l.errors), right: true },
    { header: 'INPUT', cell: count((l) => l.input_tokens), right: true },
    { header: 'OUTPUT', cell: count((l) => l.output_tokens), right: true },
    { header: 'CACHED', cell: count((l) => l.cached_tokens), right: true },
    { header: 'CACHE WRITE', cell: count((l) => l.cache_write_tokens), right: true },
    { header: 'REASONING', cell: count((l) => l.reasoning_tokens), right: true },
    { header: 'COST (USD)', cell: costCell, right: true },
    { header: 'UNPRICED', cell: (l) => (l.unpriced > 0 ? formatCount(l.unpriced) : ''), right: true, optional: true },
  ];
}

export async function runUsage(argv: string[], load: LoadStartup): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        since: { type: 'string' },
        until: { type: 'string' },
        by: { type: 'string' },
        provider: { type: 'string' },
        router: { type: 'string' },
        key: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\nRun "ai-gateway usage --help" for usage.`);
  }
  const { values } = parsed;
  if (values.help) return void process.stdout.write(`${HELP}\n`);
  const by = (values.by ?? 'provider') as UsageGroup;
  if (!USAGE_GROUPS.includes(by)) fail(`--by expects one of ${USAGE_GROUPS.join(', ')}, got "${values.by}"`);
  const now = Date.now();
  const filter = recordFilter(values, '30d', now);
  const startup = await load(values.config);
  const reader = await openConfiguredAuditLog(startup, 'usage');
  const groups = reader.usage(filter, by);
  reader.close();
  const total = totalUsage(groups);
  if (values.json) {
    const report = { since: iso(filter.sinceMs), until: iso(filter.untilMs ?? now), by, groups, total };
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const lines: Line[] = [...groups.map((g) => ({ ...g, label: g.group ?? NONE[by] })), { ...total, label: 'total' }];
  const period = `${iso(filter.sinceMs)} to ${iso(filter.untilMs ?? now)}`;
  process.stdout.write(`usage by ${by}, ${period}\n${renderTable(columns(by), lines)}\n`);
  if (total.unpriced > 0) process.stdout.write(`unknown: ${formatCount(total.unpriced)} answered request(s) without a price — a model missing from the price table (see pricing in the config), or no usage reported\n`);
}

const iso = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString().slice(0, 19) + 'Z');
