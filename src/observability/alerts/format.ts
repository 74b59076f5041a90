/** Numbers as the messages show them. */

/** `52.10`, `0.0042`: cents for sums of a cent or more, three significant digits below. */
export function usd(value: number): string {
  return Math.abs(value) >= 0.01 ? value.toFixed(2) : String(Number(value.toPrecision(3)));
}

/** 0.35 → `35%`, 0.125 → `12.5%`. */
export function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(1))}%`;
}

/** 300000 → `5m`, 5400000 → `1h30m`, 1500 → `1.5s`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}

/** A measured value for a structured field: enough digits to compare, no float noise. */
export function plain(value: number): string {
  return String(Number(value.toPrecision(6)));
}
