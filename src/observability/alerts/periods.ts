/** Calendar periods in UTC for spend rules: an hour, a day, an ISO week (from Monday), a month. */
export type Period = 'hour' | 'day' | 'week' | 'month';

export interface PeriodSpan {
  start: number;
  end: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function periodAt(per: Period, now: number): PeriodSpan {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (per) {
    case 'hour': {
      const start = Math.floor(now / HOUR) * HOUR;
      return { start, end: start + HOUR };
    }
    case 'day': {
      const start = Date.UTC(y, m, d.getUTCDate());
      return { start, end: start + DAY };
    }
    case 'week': {
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      const start = Date.UTC(y, m, d.getUTCDate() - sinceMonday);
      return { start, end: start + 7 * DAY };
    }
    case 'month':
      return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  }
}

/** `2025-06-01T00:00:00Z/2025-06-02T00:00:00Z` */
export function isoInterval(start: number, end: number): string {
  return `${isoSeconds(start)}/${isoSeconds(end)}`;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** For the readable line: `this day (2025-06-01 UTC)`, `this hour (2025-06-01 14:00 UTC)`. */
export function describePeriod(per: Period, span: PeriodSpan): string {
  const iso = isoSeconds(span.start);
  const label = per === 'hour' ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : per === 'month' ? iso.slice(0, 7) : per === 'week' ? `from ${iso.slice(0, 10)}` : iso.slice(0, 10);
  return `this ${per} (${label} UTC)`;
}
