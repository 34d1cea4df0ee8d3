import type { RunResult } from '../core/engine/engineEvents';

/** What a run left undone: a run or check that did nothing is not a success. */
export interface RunShortfall {
  /** Selected assets that did not run, with why (upstream failed, tool missing, cancelled). */
  readonly notRun: readonly { readonly key: string; readonly reason: string }[];
  /** Checks that ran, over every asset. */
  readonly checksRan: number;
  /** A check run in which no check ran, or a run in which nothing ran at all. */
  readonly nothingDone: boolean;
}

export function runShortfall(result: RunResult, checksOnly: boolean): RunShortfall {
  const notRun = result.runs.filter((r) => r.status === 'skipped').map((r) => ({ key: r.key, reason: r.error ?? 'not run' }));
  const checksRan = result.runs.reduce((n, r) => n + r.checks.length, 0);
  const ran = result.runs.some((r) => r.status !== 'skipped');
  return { notRun, checksRan, nothingDone: checksOnly ? checksRan === 0 : !ran };
}

/** The lines under the summary: what did not run and why, one asset a line. */
export function shortfallText(s: RunShortfall, checksOnly: boolean): string {
  let text = '';
  if (s.nothingDone) text += checksOnly ? 'nothing was checked: no check ran\n' : 'nothing was materialized: no asset ran\n';
  if (s.notRun.length > 0) {
    text += `did not run: ${s.notRun.length} asset${s.notRun.length === 1 ? '' : 's'}\n`;
    for (const r of s.notRun) text += `  ${r.key}: ${r.reason}\n`;
  }
  return text;
}

/** Exit non-zero when anything selected did not run, so CI never goes green on work not done. */
export function shortfallFails(s: RunShortfall): boolean {
  return s.nothingDone || s.notRun.length > 0;
}
