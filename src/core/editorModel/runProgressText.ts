import { STATE_SCHEMA } from '../engine/stateStore';

/** A run's progress line: `3 of 8 · raw/taxi_trips`, or just the key when the plan's size is unknown. */
export function runProgressText(started: number, total: number | undefined, key: string): string {
  return total !== undefined && total > 1 ? `${started} of ${total} · ${key}` : key;
}

/**
 * Whether a statement is the engine's own bookkeeping in the state schema
 * (runs, check results, watermarks), which the log keeps at trace level so the
 * user's statements stand out at info.
 */
export function isStateBookkeeping(sql: string): boolean {
  return sql.includes(`${STATE_SCHEMA}.`) || new RegExp(`SCHEMA IF NOT EXISTS "?${STATE_SCHEMA}"?`, 'i').test(sql);
}
