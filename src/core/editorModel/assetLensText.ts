import type { AssetStateView, CheckOutcome } from './assetRunOutcome';
import { formatAgo, formatCount } from './relativeTime';
import { environmentProblemOf } from '../engine/delegated/environmentProblem';

/**
 * `✓ 3 checks`, `✗ 1 of 3 checks` (an error-level check fails), `⚠ 1 of 3 checks`
 * (only warnings fail), `3 checks` (none run yet on this target); undefined when
 * the asset has no checks.
 */
export function checkSummaryText(
  checkNames: readonly string[],
  results: ReadonlyMap<string, CheckOutcome> | undefined,
): string | undefined {
  const total = checkNames.length;
  if (total === 0) return undefined;
  const noun = total === 1 ? 'check' : 'checks';
  const known = checkNames.map((n) => results?.get(n)).filter((r): r is CheckOutcome => r !== undefined);
  if (known.length === 0) return `${total} ${noun}`;
  const failing = known.filter((r) => !r.passed);
  if (failing.length === 0) {
    return known.length === total ? `✓ ${total} ${noun}` : `✓ ${known.length} of ${total} ${noun} passed`;
  }
  const mark = failing.some((r) => r.severity === 'error') ? '✗' : '⚠';
  return `${mark} ${failing.length} of ${total} ${noun}`;
}

/** The table's rows, with what the last run added for incremental and partitioned assets: `11,500 rows (+0 last run)`. */
export function rowsText(state: Pick<AssetStateView, 'rows' | 'rowsAdded'>): string | undefined {
  if (state.rows === undefined) return undefined;
  const rows = `${formatCount(state.rows)} ${state.rows === 1 ? 'row' : 'rows'}`;
  return state.rowsAdded !== undefined ? `${rows} (+${formatCount(state.rowsAdded)} last run)` : rows;
}

/** The last run did not fail on the asset's code or data: a tool, interpreter or token was missing. */
export function couldNotRun(state: AssetStateView | undefined): boolean {
  return state?.status === 'failed' && environmentProblemOf(state.error) !== undefined;
}

/** `never materialized`, `stale`, `failed 2m ago`, `could not run 2m ago`, `12,345 rows · 3m ago`. */
export function stateText(state: AssetStateView | undefined, nowMs: number): string {
  if (!state || state.status === 'never') return 'never materialized';
  const ago = state.finishedAt !== undefined ? formatAgo(state.finishedAt, nowMs) : undefined;
  switch (state.status) {
    case 'failed':
      if (couldNotRun(state)) return ago ? `could not run ${ago}` : 'could not run';
      return ago ? `failed ${ago}` : 'failed';
    case 'stale':
      return 'stale';
    case 'fresh': {
      const parts: string[] = [];
      const rows = rowsText(state);
      if (rows) parts.push(rows);
      if (state.partitions) parts.push(`${formatCount(state.partitions.done)} / ${formatCount(state.partitions.total)} partitions`);
      if (ago) parts.push(ago);
      return parts.length > 0 ? parts.join(' · ') : 'materialized';
    }
  }
}

/**
 * Who built a dbt model's data (its last successful run): Asset Studio in-process
 * or dbt itself. Undefined when there is no data, or the run did not record it.
 */
export function builtByText(state: AssetStateView | undefined): { readonly short: string; readonly long: string } | undefined {
  if (!state || (state.status !== 'fresh' && state.status !== 'stale')) return undefined;
  switch (state.builtBy) {
    case 'in-process':
      return { short: 'in-process', long: 'Built in-process by Asset Studio on DuckDB (no dbt run).' };
    case 'dbt':
      return { short: 'by dbt', long: 'Built by dbt (dbt build).' };
    case 'dagster':
      return { short: 'by Dagster', long: 'Built by Dagster (dagster asset materialize).' };
    default:
      return undefined;
  }
}

/** A hover line for the state lens, with what the short text leaves out. */
export function stateTooltip(state: AssetStateView | undefined, targetName: string): string {
  if (!state || state.status === 'never') return `Not yet materialized on target '${targetName}'.`;
  const when = state.finishedAt !== undefined ? ` at ${new Date(state.finishedAt).toLocaleString()}` : '';
  switch (state.status) {
    case 'failed':
      if (couldNotRun(state)) return `Could not run on '${targetName}'${when}: ${state.error}`;
      return `Last run on '${targetName}' failed${when}${state.error ? `: ${state.error}` : ''}`;
    case 'stale':
      return `Stale on '${targetName}': ${state.staleReason ?? 'the definition changed, or an upstream asset was materialized later'}.`;
    case 'fresh':
      return `Materialized on '${targetName}'${when}.`;
  }
}
