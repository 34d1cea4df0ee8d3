// An asset's built-in checks, run on its connection (inside its build's transaction when it builds).
import type { CheckDefinition } from '../asset';
import type { AssetNode } from '../graph/assetGraph';
import type { BuildContext, PlanContext } from './buildContext';
import { Cancelled, messageOf, ms } from './buildContext';
import type { AssetSession } from './assetSession';
import type { CheckResult } from './checkQueries';
import { combineChecks, compileCheck, parseSamples } from './checkQueries';
import { checkFailureText } from './checkFailureText';
import { findAsset } from './materializationPlan';
import { quoteRelation } from './sqlIdentifiers';

/** What checks run against: a built asset, or a dbt source read as it is. */
export type CheckedRelation = Pick<BuildContext, 'node' | 'session' | 'relation' | 'templates' | 'run'>;

/** The checks' results; `aborted` says why the transaction cannot commit (a check failed at run time inside it). */
export interface ChecksOutcome {
  readonly results: CheckResult[];
  readonly aborted?: string;
}

/**
 * Runs every built-in check of the asset on the connection (inside its
 * transaction when building): all in one query, else one by one so that a
 * broken check hides no other result.
 */
export async function runChecks(c: CheckedRelation): Promise<ChecksOutcome> {
  const { node, session, relation, templates, run: ctx } = c;
  const checks = engineChecks(node);
  if (checks.length === 0) return { results: [] };
  const compiled = checks.map((check) => ({
    check,
    query: compileCheck(check, {
      relation,
      templates,
      relationOf: (text) => {
        const other = findAsset(ctx.graph, text)?.definition.sql?.relation;
        if (other) return quoteRelation({ schema: other.schema ?? ctx.target.schema, name: other.name });
        const parts = text.split(/[./]/);
        return parts.length > 1
          ? quoteRelation({ schema: parts[parts.length - 2], name: parts[parts.length - 1]! })
          : quoteRelation({ schema: ctx.target.schema, name: text });
      },
    }),
  }));
  const results = new Map<CheckDefinition, CheckResult>();
  const runnable: { check: CheckDefinition; sql: string }[] = [];
  for (const { check, query } of compiled) {
    if (query.ok) runnable.push({ check, sql: ctx.defer ? await session.deferUpstream(query.sql, ownRelationOf(node, ctx)) : query.sql });
    else results.set(check, { ...checkBase(node, check), passed: false, failingRows: 0, samples: [], durationMs: 0, error: query.error });
  }
  let aborted: string | undefined;
  let single = runnable.length === 1;
  if (runnable.length > 1) {
    const started = performance.now();
    try {
      const rows = await session.query(combineChecks(runnable.map((r) => r.sql)));
      const each = ms(started) / runnable.length;
      for (const row of rows) {
        const r = runnable[Number(row['__check'])]!;
        const failingRows = Number(row['failing_rows'] ?? 0);
        results.set(r.check, measuredCheck(node, r.check, failingRows, parseSamples(row['samples']), each));
      }
    } catch (err) {
      if (err instanceof Cancelled) throw err;
      const text = messageOf(err);
      if (isBindError(text) || !session.inTransaction) {
        // One check does not bind (a missing column, say), or failed with nothing to abort: run them one by one to tell which.
        single = true;
      } else {
        // A run-time error aborts the transaction: no other query can run in it.
        aborted = `checks of ${node.id} could not run: ${text}`;
        for (const r of runnable) results.set(r.check, { ...checkBase(node, r.check), passed: false, failingRows: 0, samples: [], durationMs: 0, error: aborted });
      }
    }
  }
  if (single) {
    for (const r of runnable) {
      if (aborted) {
        results.set(r.check, { ...checkBase(node, r.check), passed: false, failingRows: 0, samples: [], durationMs: 0, error: `not run: ${aborted}` });
        continue;
      }
      const ran = await runCheck(node, r.check, r.sql, session);
      results.set(r.check, ran.result);
      if (ran.aborted) aborted = `check '${r.check.name}' could not run and aborted the transaction`;
    }
  }
  const out = checks.map((c) => results.get(c)).filter((r): r is CheckResult => r !== undefined);
  for (const result of out) ctx.emit({ type: 'check', asset: node.id, result });
  return aborted ? { results: out, aborted } : { results: out };
}

function ownRelationOf(node: AssetNode, ctx: PlanContext): { schema: string; name: string } {
  const r = node.definition.sql?.relation;
  return r ? { schema: r.schema ?? ctx.target.schema, name: r.name } : { schema: '', name: '' };
}

/** The checks the engine runs itself (Dagster and dbt checks come from their tools). */
export function engineChecks(node: AssetNode): CheckDefinition[] {
  return node.checks.filter((c) => c.type !== 'dagster' && c.type !== 'dbt');
}

function measuredCheck(node: AssetNode, check: CheckDefinition, failingRows: number, samples: Record<string, unknown>[], durationMs: number): CheckResult {
  const failure = checkFailureText(check, failingRows, samples);
  return { ...checkBase(node, check), passed: failingRows === 0, failingRows, samples, durationMs, ...(failure ? { failure } : {}) };
}

function checkBase(node: AssetNode, check: CheckDefinition) {
  return { asset: node.id, name: check.name, severity: check.severity, blocking: check.blocking, location: check.location };
}

function isBindError(text: string): boolean {
  return /^(Binder|Catalog|Parser) Error/.test(text);
}

/** One check alone; `aborted` when its error ended the open transaction (anything but a bind error). */
async function runCheck(node: AssetNode, check: CheckDefinition, sql: string, session: AssetSession): Promise<{ result: CheckResult; aborted: boolean }> {
  const started = performance.now();
  const base = checkBase(node, check);
  try {
    const rows = await session.query(sql);
    const failingRows = Number(rows[0]?.['failing_rows'] ?? 0);
    return { result: measuredCheck(node, check, failingRows, parseSamples(rows[0]?.['samples']), ms(started)), aborted: false };
  } catch (err) {
    if (err instanceof Cancelled) throw err;
    const text = messageOf(err);
    // A binder error (a missing column) leaves the transaction usable; anything else aborts it.
    const missing = /Referenced column "([^"]+)" not found/.exec(text);
    const noTable = /Table with name (\S+) does not exist/.exec(text);
    const error = missing
      ? `check '${check.name}' names column '${missing[1]}', which ${node.id} does not have`
      : noTable
        ? `check '${check.name}': table ${noTable[1]} does not exist on this target; materialize it first`
        : `check '${check.name}': ${text}`;
    return { result: { ...base, passed: false, failingRows: 0, samples: [], durationMs: ms(started), error }, aborted: session.inTransaction && !isBindError(text) };
  }
}

/** The failed error-level checks, for a run's error. */
export function failedChecksText(checks: readonly CheckResult[]): string {
  const failed = checks.filter((c) => !c.passed && c.severity === 'error');
  return `failing check${failed.length === 1 ? '' : 's'} ${failed
    .map((c) => (c.error ? `${c.name} (${c.error})` : `${c.name} (${c.failure ?? `${c.failingRows} failing row${c.failingRows === 1 ? '' : 's'}`})`))
    .join(', ')}`;
}
