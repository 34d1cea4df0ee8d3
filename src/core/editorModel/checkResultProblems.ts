import type { CheckDefinition } from '../asset';
import type { Problem } from '../problem';
import type { SourceLocation } from '../problem';
import type { AssetRunOutcome, CheckOutcome } from './assetRunOutcome';
import { formatCount } from './relativeTime';
import { freshnessText } from './freshnessText';
import { environmentProblemOf } from '../engine/delegated/environmentProblem';

/** What a run says about one asset in the Problems panel: failing checks at their own line, a build error at the asset. */
export function runOutcomeProblems(
  outcome: AssetRunOutcome,
  asset: { readonly location: SourceLocation; readonly checks: readonly CheckDefinition[] },
  targetName: string,
  checksOnly = false,
): Problem[] {
  const problems: Problem[] = [];
  const failedBlocking = (result: CheckOutcome): boolean =>
    !result.passed && result.severity === 'error' && !result.error && (asset.checks.find((c) => c.name === result.name)?.blocking ?? true);
  // A failure caused by a blocking check is said at the check's line, not twice.
  const blockedByCheck = outcome.checks.some(failedBlocking);
  // Only a build is rolled back: a checks-only run builds nothing.
  const rolledBackBy = (result: CheckOutcome): boolean => !checksOnly && outcome.status === 'failed' && failedBlocking(result);
  // A missing tool, interpreter or token is not a problem in this file: the editor says it in a notification.
  if (outcome.status === 'failed' && outcome.error && !blockedByCheck && !environmentProblemOf(outcome.error)) {
    const line = outcome.errorLine ?? asset.location.line;
    problems.push({
      file: asset.location.file,
      line,
      column: outcome.errorLine !== undefined ? 1 : asset.location.column,
      severity: 'error',
      code: 'run.error',
      message: `${outcome.key} failed on target '${targetName}': ${outcome.error}`,
    });
  }
  for (const result of outcome.checks) {
    if (result.passed) continue;
    const definition = asset.checks.find((c) => c.name === result.name);
    const location = definition?.location ?? asset.location;
    problems.push({
      file: location.file,
      line: location.line,
      column: location.column,
      endLine: location.endLine,
      endColumn: location.endColumn,
      severity: result.severity === 'error' ? 'error' : 'warning',
      code: 'check.failed',
      message: checkFailureMessage(outcome.key, result, targetName, rolledBackBy(result)),
    });
  }
  return problems;
}

export function checkFailureMessage(key: string, result: CheckOutcome, targetName: string, rolledBack = false): string {
  const what = result.error
    ? `could not run: ${result.error}`
    : (result.failure ?? freshnessText(result.sampleRows) ?? `${formatCount(result.failingRows)} failing ${result.failingRows === 1 ? 'row' : 'rows'}`);
  const kept = rolledBack ? ' — rolled back, the previous data is kept' : '';
  return `Check ${result.name} of ${key} failed on target '${targetName}': ${what}${kept}`;
}

/** Failing rows as a small aligned text table, for a test failure message. */
export function formatSampleRows(rows: readonly Readonly<Record<string, unknown>>[]): string {
  if (rows.length === 0) return '';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return 'NULL';
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    return String(v);
  };
  const table = [columns, ...rows.map((r) => columns.map((c) => cell(r[c])))];
  const widths = columns.map((_, i) => Math.min(40, Math.max(...table.map((row) => (row[i] ?? '').length))));
  const line = (row: readonly string[]): string =>
    row.map((v, i) => (v.length > 40 ? `${v.slice(0, 39)}…` : v).padEnd(widths[i] ?? 0)).join(' │ ').trimEnd();
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...table.slice(1).map(line)].join('\n');
}
