import type { AssetRunOutcome } from './assetRunOutcome';
import { formatCount, formatDuration } from './relativeTime';

/** Assets named with their rows in a multi-asset summary; the log has the rest. */
const maxListed = 3;

export interface RunSummary {
  readonly ok: boolean;
  readonly text: string;
  /** Nothing failed, but some checks could not run (the asset is not built on the target): a warning, not an error. */
  readonly couldNotRun?: boolean;
}

/**
 * The short message at the end of a run: rows, duration, checks; on failure
 * the first failed asset with its error (the log has the rest).
 */
export function runSummary(
  verb: 'Materialized' | 'Checked',
  outcomes: readonly AssetRunOutcome[],
  targetName: string,
  durationMs: number,
): RunSummary {
  const succeeded = outcomes.filter((o) => o.status === 'success');
  const failed = outcomes.filter((o) => o.status === 'failed');
  const skipped = outcomes.filter((o) => o.status === 'skipped');
  const cancelled = outcomes.some((o) => o.status === 'cancelled');
  const checks = outcomes.flatMap((o) => o.checks);
  const failingErrors = checks.filter((c) => !c.passed && c.severity === 'error');
  const failingWarns = checks.filter((c) => !c.passed && c.severity === 'warn');

  const subject = outcomes.length === 1 && outcomes[0] ? outcomes[0].key : `${outcomes.length} assets`;
  const parts: string[] = [];
  if (verb === 'Materialized' && succeeded.length > 0) {
    const rowsOf = (o: AssetRunOutcome): string | undefined => (o.rows !== undefined ? `${formatCount(o.rows)} ${o.rows === 1 ? 'row' : 'rows'}` : undefined);
    if (outcomes.length === 1) {
      const one = rowsOf(succeeded[0]!);
      if (one) parts.push(one);
    } else {
      // Per asset: one sum over different tables would read as one asset's figure.
      const each = succeeded.filter((o) => o.rows !== undefined).map((o) => `${o.key} ${rowsOf(o)!}`);
      if (each.length > 0) parts.push(each.length > maxListed ? `${each.slice(0, maxListed).join(', ')} (+${each.length - maxListed} more)` : each.join(', '));
    }
  }
  parts.push(formatDuration(durationMs));
  if (checks.length > 0) {
    const passed = checks.length - failingErrors.length - failingWarns.length;
    parts.push(
      failingErrors.length + failingWarns.length === 0
        ? `${checks.length} ${checks.length === 1 ? 'check' : 'checks'} passed`
        : `${passed} of ${checks.length} checks passed`,
    );
  }
  if (skipped.length > 0) parts.push(`${skipped.length} skipped`);

  if (cancelled) return { ok: false, text: `Cancelled on '${targetName}': ${subject} (${parts.join(' · ')}).` };
  const firstFailure = failed[0];
  if (firstFailure) {
    const reason =
      firstFailure.error ??
      `check ${firstFailure.checks.find((c) => !c.passed && c.severity === 'error')?.name ?? ''} failed; the previous data is kept`;
    const others = failed.length > 1 ? ` (+${failed.length - 1} more failed)` : '';
    return { ok: false, text: `${firstFailure.key} failed on '${targetName}': ${reason}${others} · ${parts.join(' · ')}` };
  }
  if (failingErrors.length > 0) {
    return { ok: false, text: `${verb} ${subject} on '${targetName}' with failing checks: ${parts.join(' · ')}` };
  }
  // A checks-only run skips an asset only when its checks could not run: say why, once, whatever the number of checks.
  const notRun = verb === 'Checked' ? skipped.filter((o) => o.error) : [];
  if (notRun.length > 0) {
    const first = notRun[0]!;
    const others = notRun.length > 1 ? ` (+${notRun.length - 1} more could not run)` : '';
    const ran = succeeded.length > 0 ? ` · ${parts.join(' · ')}` : '';
    return { ok: false, couldNotRun: true, text: `${first.error}${others}${ran}` };
  }
  return { ok: true, text: `${verb} ${subject} on '${targetName}': ${parts.join(' · ')}` };
}
