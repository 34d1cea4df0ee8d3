import type { PartitionSpec } from '../asset';

export interface PartitionSlice {
  /** ISO date, inclusive. */
  readonly start: string;
  /** ISO date, exclusive: the next partition's start. */
  readonly end: string;
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function parseIsoDate(text: string): Date {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not a date (YYYY-MM-DD)`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1));
}

function floor(d: Date, by: PartitionSpec['by']): Date {
  return by === 'day' ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())) : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

function next(d: Date, by: PartitionSpec['by']): Date {
  return by === 'day'
    ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1))
    : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/** The partition holding `date`. */
export function partitionOf(spec: PartitionSpec, date: string): PartitionSlice {
  const s = floor(parseIsoDate(date), spec.by);
  return { start: iso(s), end: iso(next(s, spec.by)) };
}

/** Partitions from `from` (default the spec's start) through `to` (default today), in order. */
export function partitionRange(spec: PartitionSpec, from?: string, to?: string, today: Date = new Date()): PartitionSlice[] {
  const first = floor(parseIsoDate(from ?? spec.start), spec.by);
  const specStart = floor(parseIsoDate(spec.start), spec.by);
  const last = floor(to ? parseIsoDate(to) : today, spec.by);
  const out: PartitionSlice[] = [];
  for (let d = first < specStart ? specStart : first; d <= last; d = next(d, spec.by)) {
    out.push({ start: iso(d), end: iso(next(d, spec.by)) });
  }
  return out;
}
