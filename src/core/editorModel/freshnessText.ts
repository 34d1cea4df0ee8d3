/**
 * A failed freshness check in its own terms — how old the newest value is
 * against the limit — from the one sample row its query returns
 * (`latest`, `age_seconds`, `max_age`); undefined for any other check.
 */
export function freshnessText(samples: readonly Readonly<Record<string, unknown>>[] | undefined): string | undefined {
  const row = samples?.[0];
  if (!row || !('age_seconds' in row) || !('max_age' in row)) return undefined;
  const limit = String(row['max_age']);
  const latest = row['latest'];
  if (latest === null || latest === undefined) return `no data: the column is empty or all NULL (limit ${limit})`;
  const seconds = Number(row['age_seconds']);
  if (!Number.isFinite(seconds)) return undefined;
  return `newest data is ${durationText(seconds)} old (${String(latest)}), limit ${limit}`;
}

/** `3 days 4 hours`, `5 hours 20 minutes`, `40 minutes`: the largest unit and the next one when not zero. */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  const named = (n: number, name: string): string => `${n} ${name}${n === 1 ? '' : 's'}`;
  const i = units.findIndex(([size]) => s >= size);
  if (i < 0) return named(0, 'second');
  const [size, name] = units[i]!;
  const parts = [named(Math.floor(s / size), name)];
  const next = units[i + 1];
  if (next) {
    const n = Math.floor((s % size) / next[0]);
    if (n > 0) parts.push(named(n, next[1]));
  }
  return parts.join(' ');
}
