import type { AssetKey } from '../../assetKey';

/*
 * Reads the console log of `dagster asset materialize`. Dagster's console
 * logger prints `<date> <time> <tz> - dagster - <LEVEL> - <job> - <run id> -
 * <pid> - [<step key> - ]<EVENT_TYPE> - <message>` (construct_log_string in
 * dagster/_core/log_manager.py); the messages used here are the ones
 * DagsterEvent builds in dagster/_core/events/__init__.py:
 *   ASSET_MATERIALIZATION  "Materialized value raw taxi_trips." (key parts joined by spaces)
 *   ASSET_CHECK_EVALUATION "Asset check 'c' on 'raw/taxi_trips' passed." / "... did not pass. Description: '…'"
 *   STEP_SUCCESS / STEP_FAILURE "Execution of step \"s\" failed." followed by the error on the next lines
 *   RUN_SUCCESS / RUN_FAILURE / RUN_CANCELED
 * and the engine's "Dependencies for step s failed: [...]. Not executing." for skipped steps.
 */

export interface DagsterCheckEvaluation {
  readonly asset: AssetKey;
  readonly name: string;
  readonly passed: boolean;
  readonly description?: string;
  readonly stepKey?: string;
}

export interface DagsterStepFailure {
  readonly stepKey: string;
  /** The error in one line (`duckdb.IOException: IO Error: …`), without the stack trace. */
  readonly error?: string;
}

export interface DagsterRunSummary {
  readonly runId?: string;
  readonly status: 'success' | 'failure' | 'canceled' | 'unknown';
  /** Keys of the ASSET_MATERIALIZATION events, with the step that made them. */
  readonly materialized: readonly { readonly key: AssetKey; readonly stepKey?: string }[];
  readonly checks: readonly DagsterCheckEvaluation[];
  readonly succeededSteps: readonly string[];
  readonly failedSteps: readonly DagsterStepFailure[];
  /** Steps not run because an upstream step failed. */
  readonly skippedSteps: readonly string[];
  /** ASSET_FAILED_TO_MATERIALIZE events (recent Dagster versions). */
  readonly failedAssets: readonly AssetKey[];
  /** The RUN_FAILURE message, e.g. `Execution of run for "__ASSET_JOB" failed. Steps failed: ['x'].` */
  readonly runMessage?: string;
}

/** The step key Dagster gives an asset's op: key parts joined by `__`. */
export function dagsterStepKey(key: AssetKey): string {
  return key.join('__');
}

const LOG_LINE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?: ?[+-]\d{2}:?\d{2}|Z)? - ([\w.]+) - (DEBUG|INFO|WARNING|ERROR|CRITICAL) - (.*)$/;
const EVENT = /^[A-Z][A-Z_]+$/;
const KNOWN_EVENTS = new Set([
  'RUN_START',
  'RUN_SUCCESS',
  'RUN_FAILURE',
  'RUN_CANCELED',
  'RUN_CANCELING',
  'RUN_STARTING',
  'STEP_START',
  'STEP_SUCCESS',
  'STEP_FAILURE',
  'STEP_SKIPPED',
  'STEP_UP_FOR_RETRY',
  'STEP_RESTARTED',
  'STEP_INPUT',
  'STEP_OUTPUT',
  'STEP_WORKER_STARTING',
  'STEP_WORKER_STARTED',
  'ASSET_MATERIALIZATION',
  'ASSET_MATERIALIZATION_PLANNED',
  'ASSET_FAILED_TO_MATERIALIZE',
  'ASSET_OBSERVATION',
  'ASSET_CHECK_EVALUATION',
  'ASSET_CHECK_EVALUATION_PLANNED',
  'STEP_EXPECTATION_RESULT',
  'ENGINE_EVENT',
  'RESOURCE_INIT_STARTED',
  'RESOURCE_INIT_SUCCESS',
  'RESOURCE_INIT_FAILURE',
  'LOADED_INPUT',
  'HANDLED_OUTPUT',
  'LOGS_CAPTURED',
  'OBJECT_STORE_OPERATION',
  'ASSET_STORE_OPERATION',
  'HOOK_COMPLETED',
  'HOOK_ERRORED',
  'HOOK_SKIPPED',
]);

interface LogEvent {
  readonly runId?: string;
  readonly stepKey?: string;
  readonly type: string;
  readonly message: string;
}

/** Splits the part after the level into job, run id, pid, step key, event type and message. */
function parseEvent(rest: string): LogEvent | undefined {
  const parts = rest.split(' - ');
  const idx = parts.findIndex((p, i) => i >= 2 && EVENT.test(p) && KNOWN_EVENTS.has(p));
  if (idx < 0) return undefined;
  const runId = parts[1];
  let stepKey: string | undefined;
  const between = parts.slice(2, idx);
  // between = [pid, stepKey] | [pid] | [stepKey] | []
  const nonPid = between.filter((p) => !/^\d+$/.test(p));
  if (nonPid.length > 0) stepKey = nonPid[nonPid.length - 1];
  return { runId, stepKey, type: parts[idx], message: parts.slice(idx + 1).join(' - ') };
}

/** `["raw", "taxi_trips"]` (AssetKey.to_string) or `raw/taxi_trips`. */
function keyFromText(t: string): AssetKey {
  const trimmed = t.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed as string[];
    } catch {
      // fall through
    }
  }
  return trimmed.split('/').filter((p) => p !== '');
}

/** The one line that says what failed, from the lines printed after STEP_FAILURE. */
function errorLine(lines: readonly string[]): string | undefined {
  const candidates: string[] = [];
  for (const l of lines) {
    const t = l.trim();
    if (t === 'Stack Trace:' || t.startsWith('The above exception')) break;
    if (t !== '') candidates.push(t);
  }
  // Dagster wraps the user's error: prefer the inner one.
  const inner = candidates.find((c) => /^[\w.]+(Error|Exception|Exit|Interrupt)\b.*?:/.test(c) && !c.startsWith('dagster._core.errors.DagsterExecutionStepExecutionError'));
  return inner ?? candidates[0];
}

/** Summarises the lines of a `dagster asset materialize` run (stdout and stderr, in order). */
export function parseDagsterEventOutput(lines: readonly string[]): DagsterRunSummary {
  let runId: string | undefined;
  let status: DagsterRunSummary['status'] = 'unknown';
  let runMessage: string | undefined;
  const materialized: { key: AssetKey; stepKey?: string }[] = [];
  const checks: DagsterCheckEvaluation[] = [];
  const succeeded: string[] = [];
  const failed: { stepKey: string; errorLines: string[] }[] = [];
  const skipped: string[] = [];
  const failedAssets: AssetKey[] = [];
  let collecting: string[] | undefined;

  for (const raw of lines) {
    const m = LOG_LINE.exec(raw);
    if (!m) {
      if (collecting) collecting.push(raw);
      continue;
    }
    collecting = undefined;
    const e = parseEvent(m[3]);
    if (!e) continue;
    runId ??= e.runId;
    switch (e.type) {
      case 'ASSET_MATERIALIZATION': {
        const label = /^Materialized value (.+)\.$/.exec(e.message);
        // A materialization with a description prints the description instead: key from the step.
        const key = label ? label[1].split(' ') : e.stepKey ? e.stepKey.split('__') : undefined;
        if (key) materialized.push({ key, ...(e.stepKey ? { stepKey: e.stepKey } : {}) });
        break;
      }
      case 'ASSET_CHECK_EVALUATION': {
        const c = /^Asset check '(.+?)' on '(.+?)' (passed|did not pass)\.(?: Description: '([\s\S]*)')?/.exec(e.message);
        if (c) {
          checks.push({
            asset: keyFromText(c[2]),
            name: c[1],
            passed: c[3] === 'passed',
            ...(c[4] !== undefined ? { description: c[4] } : {}),
            ...(e.stepKey ? { stepKey: e.stepKey } : {}),
          });
        }
        break;
      }
      case 'STEP_SUCCESS':
        if (e.stepKey) succeeded.push(e.stepKey);
        break;
      case 'STEP_FAILURE':
        if (e.stepKey) {
          const entry = { stepKey: e.stepKey, errorLines: [] as string[] };
          failed.push(entry);
          collecting = entry.errorLines;
        }
        break;
      case 'STEP_SKIPPED':
        if (e.stepKey) skipped.push(e.stepKey);
        break;
      case 'ENGINE_EVENT': {
        const d = /^Dependencies for step (\S+) failed/.exec(e.message);
        if (d) skipped.push(d[1]);
        break;
      }
      case 'ASSET_FAILED_TO_MATERIALIZE': {
        const f = /^Asset (.+) failed to materialize/.exec(e.message);
        if (f) failedAssets.push(keyFromText(f[1]));
        break;
      }
      case 'RUN_SUCCESS':
        status = 'success';
        break;
      case 'RUN_FAILURE':
        status = 'failure';
        runMessage = e.message;
        break;
      case 'RUN_CANCELED':
        status = 'canceled';
        runMessage = e.message;
        break;
      default:
        break;
    }
  }
  return {
    ...(runId ? { runId } : {}),
    status,
    materialized,
    checks,
    succeededSteps: succeeded,
    failedSteps: failed.map((f) => {
      const error = errorLine(f.errorLines);
      return { stepKey: f.stepKey, ...(error ? { error } : {}) };
    }),
    skippedSteps: [...new Set(skipped)],
    failedAssets,
    ...(runMessage ? { runMessage } : {}),
  };
}
