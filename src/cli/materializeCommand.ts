import { parseDbtVars } from '../core/dbt/dbtVarsFlag';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { formatDuration } from '../core/editorModel/relativeTime';
import { formatSampleRows } from '../core/editorModel/checkResultProblems';
import type { CliArgs, CliIo } from './cliIo';
import { flagString } from './cliIo';
import type { AssetRunResult, RunResult } from '../core/engine/engineEvents';
import { MaterializeRefused, materializeSelection } from '../core/engine/materializeWorkspace';
import { TargetConnectionError } from '../core/engine/targetConnection';
import { DBT_RUNNER_CHOICES } from '../core/engine/dbtRunnerChoice';
import type { DbtRunnerChoice } from '../core/engine/dbtRunnerChoice';
import { runShortfall, shortfallFails, shortfallText } from './runShortfall';
import { CANCELLED_EXIT_CODE } from './cliSignals';
import { cancelledText } from './cancelledRun';
import { relabelDuckDbLine, runErrorLocation } from './runErrorLocation';
import { reportFailure } from './jsonError';

/** `asset-studio materialize SELECTION... [--target T] [--confirm T] [--json] [--partition D | --from D --to D]`. */
export async function runMaterializeCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  return runSelectionCommand('materialize', args, root, io);
}

/** The JSON of docs/cli.md, with the error's file (relative to the root) and line when known. */
export function runResultJson(result: RunResult, root: string): unknown {
  return {
    target: result.target,
    runs: result.runs.map((r) => ({
      key: r.key,
      status: r.status,
      rows: r.rows,
      duration_ms: Math.round(r.durationMs),
      error: r.error ?? null,
      file: runErrorLocation(r, root)?.file ?? null,
      line: runErrorLocation(r, root)?.line ?? null,
      runner: r.runner ?? null,
      checks: r.checks.map((c) => ({ name: c.name, passed: c.passed, severity: c.severity, failing_rows: c.failingRows })),
    })),
    ...(result.cancelled ? { cancelled: true } : {}),
  };
}

/** A run failed, or an error-level check failed. */
export function runFailed(result: RunResult): boolean {
  return result.runs.some((r) => r.status === 'failed' || r.checks.some((c) => !c.passed && c.severity === 'error'));
}

/** Shared by materialize and check: the same selection, target and output. */
export async function runSelectionCommand(command: 'materialize' | 'check', args: CliArgs, root: string, io: CliIo): Promise<number> {
  const checksOnly = command === 'check';
  const selections = args.positionals.length > 0 ? args.positionals : checksOnly ? ['*'] : [];
  const json = args.flags.get('json') === true;
  const prefix = `asset-studio ${command}`;
  if (selections.length === 0) {
    reportFailure(io, json, prefix, 'give a SELECTION (KEY, +KEY, KEY+, group:NAME or *)', 'usage');
    return 2;
  }
  const partition = flagString(args, 'partition');
  const from = flagString(args, 'from');
  const to = flagString(args, 'to');
  const dbtRunner = flagString(args, 'dbt-runner');
  if (dbtRunner !== undefined && !(DBT_RUNNER_CHOICES as readonly string[]).includes(dbtRunner)) {
    reportFailure(io, json, prefix, `--dbt-runner must be one of ${DBT_RUNNER_CHOICES.join(', ')}`, 'usage');
    return 2;
  }
  const varsText = flagString(args, 'vars');
  const vars = varsText === undefined ? undefined : parseDbtVars(varsText);
  if (vars && !vars.ok) {
    io.stderr.write(`asset-studio ${command}: ${vars.message}\n`);
    return 2;
  }
  const defer = flagString(args, 'defer');
  const deferredReads = new Map<string, string[]>();
  try {
    const outcome = await materializeSelection(root, selections, {
      target: flagString(args, 'target'),
      confirm: flagString(args, 'confirm'),
      checksOnly,
      env: io.env,
      ...(io.signal ? { signal: io.signal } : {}),
      ...(partition || from || to ? { partitions: { partition, from, to } } : {}),
      ...(dbtRunner ? { dbtRunner: dbtRunner as DbtRunnerChoice } : {}),
      fullRefresh: args.flags.get('full-refresh') === true,
      ...(vars ? { dbtVars: vars.vars } : {}),
      defer,
      dropUnusedDefaultDatabase: true,
      ...(flagString(args, 'python') ? { pythonPath: flagString(args, 'python') } : {}),
      onEvent: json
        ? undefined
        : (e) => {
            // Which upstream relations came from the deferred target, under the asset's line.
            // With --defer, its warnings too (a view over deferred relations, a tool that does not defer).
            if (e.type === 'log' && e.asset && (e.deferred || (defer && e.level === 'warn'))) {
              const line = e.deferred ? `read ${e.deferred.relation} from ${e.deferred.readFrom} (deferred)` : `warn  ${e.message}`;
              deferredReads.set(e.asset, [...(deferredReads.get(e.asset) ?? []), line]);
            }
            if (e.type !== 'asset-finished') return;
            io.stdout.write(humanLine(e.result, root, checksOnly) + '\n');
            for (const line of deferredReads.get(e.asset) ?? []) io.stdout.write(`    ${line}\n`);
          },
    });
    const { result } = outcome;
    const shortfall = runShortfall(result, checksOnly);
    if (json) {
      io.stdout.write(JSON.stringify(runResultJson(result, root), null, 2) + '\n');
    } else {
      const counts = { success: 0, failed: 0, skipped: 0 };
      for (const r of result.runs) counts[r.status]++;
      const ran = checksOnly ? ` (${shortfall.checksRan} check${shortfall.checksRan === 1 ? '' : 's'} ran)` : '';
      io.stdout.write(
        `${command === 'check' ? 'checked' : 'materialized'} on ${result.target}: ${counts.success} succeeded, ${counts.failed} failed, ${counts.skipped} skipped${ran}\n`,
      );
      io.stdout.write(shortfallText(shortfall, checksOnly));
      if (outcome.createdDatabase) {
        io.stdout.write(`created ${relative(root, outcome.createdDatabase)}: the built-in '${result.target}' database (no targets in asset-studio.yml or dbt profiles)\n`);
      }
    }
    if (result.cancelled) {
      io.stderr.write(cancelledText(command, result) + '\n');
      return CANCELLED_EXIT_CODE;
    }
    return runFailed(result) || shortfallFails(shortfall) ? 1 : 0;
  } catch (err) {
    if (err instanceof MaterializeRefused) {
      reportFailure(io, json, prefix, err.message, err.reason === 'selection' ? 'selection' : err.reason === 'target' ? 'unknown-target' : 'protected-target');
      // `check *` unquoted reaches us as the folder's file names.
      const files = err.reason === 'selection' ? selections.filter((s) => existsSync(resolve(io.cwd, s))) : [];
      if (files.length > 0) {
        io.stderr.write(`'${files[0]}' is a file here: did the shell expand an unquoted * or +? Quote the selection: asset-studio ${command} '*'\n`);
      }
      return 2;
    }
    if (err instanceof TargetConnectionError) {
      reportFailure(io, json, prefix, err.message, err.reason === 'other' ? 'connection' : err.reason);
      return 1;
    }
    throw err;
  }
}

const MARK = { success: '✓', failed: '✗', skipped: '–' } as const;

/**
 * One line per asset: status, rows, duration, checks; then the error and failing
 * checks indented, located relative to root. The error is left out where it only
 * sums up the failing checks listed above it.
 */
export function humanLine(r: AssetRunResult, root: string, checksOnly = false): string {
  const parts = [`${MARK[r.status]} ${r.key}`, r.status];
  if (r.rows !== null) parts.push(`${r.rows.toLocaleString('en-US')} rows`);
  if (r.status !== 'skipped') parts.push(formatDuration(r.durationMs));
  if (r.checks.length > 0) {
    const passed = r.checks.filter((c) => c.passed).length;
    parts.push(`checks ${passed}/${r.checks.length} passed`);
  }
  let line = parts.join('  ');
  for (const c of r.checks) {
    if (c.passed) continue;
    const where = c.location ? ` (${relative(root, c.location.file)}:${c.location.line})` : '';
    line += `\n    ${c.severity === 'warn' ? 'warn ' : 'error'} ${c.name}: ${c.error ?? c.failure ?? `${c.failingRows} failing row${c.failingRows === 1 ? '' : 's'}`}${where}`;
    // The rows themselves say more than their count; a failure in words (row_count) already says it all.
    if (!c.error && !c.failure && c.samples.length > 0) {
      const more = c.failingRows > c.samples.length ? `\n        (${c.samples.length} of ${c.failingRows.toLocaleString('en-US')} shown)` : '';
      line += `\n        ${formatSampleRows(c.samples).split('\n').join('\n        ')}${more}`;
    }
  }
  // A checks-only run fails on its failing error-level checks alone (any other failure leaves it no check results).
  const onlyChecksFailed = checksOnly && r.checks.some((c) => !c.passed && c.severity === 'error');
  if (r.blockedBy) {
    const partition = r.partitions?.filter((p) => p.status === 'failed').at(-1);
    line += partition
      ? `\n    rolled back partition ${partition.start}: its previous data is unchanged, the partitions before it are kept`
      : '\n    rolled back: the previous data is unchanged';
  } else if (r.error && !onlyChecksFailed) {
    const at = runErrorLocation(r, root);
    const error = at ? `${at.file}:${at.line}: ${relabelDuckDbLine(r.error, at.line)}` : r.error;
    line += `\n    ${error.split('\n').join('\n    ')}`;
  }
  return line;
}
