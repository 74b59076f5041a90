/** Helicone writes durations in humantime (`250ms`, `30s`, `1m`, `15m`, `1h 30m`). */
const UNIT_MS: Record<string, number> = {
  ms: 1, msec: 1, millis: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;

/** Returns milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text * 1000 : undefined;
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '') return undefined;
  let total = 0;
  let matched = false;
  for (const match of trimmed.matchAll(PART)) {
    const unit = UNIT_MS[match[2]];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    matched = true;
  }
  // Every non-space character must belong to a number+unit pair.
  if (!matched || trimmed.replace(PART, '').trim() !== '') return undefined;
  return total;
}
