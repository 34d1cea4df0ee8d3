import type { CheckDefinition } from '../asset';

/**
 * A failed check in words, where counting failing rows would mislead: a
 * `row_count` check fails on one row holding the count (`3 rows, max 2`), not
 * on "1 failing row". Undefined where the count of failing rows says it.
 */
export function checkFailureText(check: Pick<CheckDefinition, 'type' | 'config'>, failingRows: number, samples: readonly Readonly<Record<string, unknown>>[]): string | undefined {
  if (failingRows === 0) return undefined;
  if (check.type === 'row_count') {
    const raw = samples[0]?.['row_count'];
    const count = typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'string' ? Number(raw) : undefined;
    if (count === undefined || !Number.isFinite(count)) return undefined;
    const c = check.config ?? {};
    const min = boundOf(c['min']);
    const max = boundOf(c['max']);
    const rows = `${count.toLocaleString('en-US')} row${count === 1 ? '' : 's'}`;
    if (max !== undefined && count > max) return `${rows}, max ${max.toLocaleString('en-US')}`;
    if (min !== undefined && count < min) return `${rows}, min ${min.toLocaleString('en-US')}`;
    return rows;
  }
  return undefined;
}

function boundOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
