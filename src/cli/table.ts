/** Plain-text tables for the CLI: columns padded to their widest cell, numbers right-aligned. */

export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  right?: boolean;
  /** Left out when no row has anything in it. */
  optional?: boolean;
  /** At least this wide (tables printed a row at a time, under `--follow`). */
  min?: number;
}

export interface Layout<T> {
  columns: Column<T>[];
  widths: number[];
}

export function layout<T>(columns: readonly Column<T>[], rows: readonly T[], keepOptional = false): Layout<T> {
  const kept = columns.filter((c) => keepOptional || !c.optional || rows.some((r) => c.cell(r) !== ''));
  const widths = kept.map((c) => Math.max(c.header.length, c.min ?? 0, ...rows.map((r) => c.cell(r).length)));
  return { columns: kept, widths };
}

export function headerLine<T>({ columns, widths }: Layout<T>): string {
  return line(columns.map((c) => c.header), columns, widths);
}

export function rowLine<T>({ columns, widths }: Layout<T>, row: T): string {
  return line(columns.map((c) => c.cell(row)), columns, widths);
}

export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const l = layout(columns, rows);
  return [headerLine(l), ...rows.map((r) => rowLine(l, r))].join('\n');
}

function line<T>(cells: string[], columns: Column<T>[], widths: number[]): string {
  return cells
    .map((cell, i) => (columns[i].right ? cell.padStart(widths[i]) : i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
    .join('  ')
    .trimEnd();
}

/** `$0.000150`, `$0.0123`, `$12.34`: enough digits for one request's cost and for a month's. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(6)}`;
  if (usd < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
