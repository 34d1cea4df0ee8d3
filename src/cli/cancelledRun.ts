import type { RunResult } from '../core/engine/engineEvents';

/** What a cancelled run did and did not do, for the person who pressed Ctrl-C. */
export function cancelledText(command: 'materialize' | 'check', result: RunResult): string {
  const done = result.runs.filter((r) => r.status === 'success').map((r) => r.key);
  // An asset that was running when the signal came failed with its transaction rolled back.
  const rolledBack = result.runs.filter((r) => r.status === 'failed' && /\bcancelled\b/.test(r.error ?? '')).map((r) => r.key);
  const notStarted = result.runs.filter((r) => r.status === 'skipped').map((r) => r.key);
  const lines = [`asset-studio ${command}: cancelled on ${result.target}.`];
  if (rolledBack.length > 0) lines.push(`  rolled back (their previous data is unchanged): ${rolledBack.join(', ')}`);
  if (notStarted.length > 0) lines.push(`  not started: ${notStarted.join(', ')}`);
  if (done.length > 0) lines.push(`  finished before the cancel, and kept: ${done.join(', ')}`);
  return lines.join('\n');
}
