import type { DuckDBConnection } from '@duckdb/node-api';
import type { SqlAssetBody } from '../asset';
import type { AssetNode } from '../graph/assetGraph';
import { withTypoHint } from '../graph/relationTypos';
import { renderTemplate } from '../discovery/sql/sqlTemplate';
import type { TemplateValues } from '../discovery/sql/sqlTemplate';
import { AssetSession } from './assetSession';
import { engineChecks, failedChecksText, runChecks } from './assetChecksRun';
import type { BuildContext, PlanContext } from './buildContext';
import { Cancelled, messageOf } from './buildContext';
import type { AssetRunResult } from './engineEvents';
import { loadDbtIncremental } from './dbtIncrementalLoad';
import { loadIncremental } from './incrementalLoad';
import { buildPartitions } from './partitionBuild';
import { relationExists, replaceRelation, selectSql } from './relationStatements';
import { quoteLiteral, quoteRelation } from './sqlIdentifiers';

/**
 * Builds one SQL asset (a dbt model arrives here rendered): one transaction with
 * its checks and its run-history row; an error-level blocking check that fails
 * rolls back and the previous data stays. Checks only (`checksOnly`): runs the
 * checks against what is there.
 */
export async function buildSqlAsset(node: AssetNode, conn: DuckDBConnection, ctx: PlanContext): Promise<AssetRunResult> {
  const started = performance.now();
  const id = node.id;
  ctx.emit({ type: 'asset-started', asset: id });
  const def = node.definition;
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
  const body = def.sql;
  if (!body) return notBuiltHere(node, ctx);

  const problem = ctx.fileErrors.get(def.location.file);
  if (problem) {
    const error = `not run: fix the definition first: ${problem.message} (${problem.file}:${problem.line})`;
    ctx.emit({ type: 'log', level: 'error', asset: id, message: `${id}: ${error}` });
    return { key: id, status: 'failed', rows: null, durationMs: elapsed(), error, location: { file: problem.file, line: problem.line, column: problem.column }, checks: [] };
  }
  const schema = body.relation.schema ?? ctx.target.schema;
  const relation = quoteRelation({ schema, name: body.relation.name });
  const session = new AssetSession(conn, id, ctx);
  const b: BuildContext = { node, body, relation, schema, session, templates: { this: relation, target: quoteLiteral(ctx.target.name) }, run: ctx };
  try {
    if (ctx.opts.checksOnly) return await checkWhatIsThere(b, elapsed);
    if (body.partition) return await buildPartitions(b, elapsed);
    let rows: number | null;
    if (body.kind !== 'incremental' && engineChecks(node).length === 0) {
      // One statement, nothing to check: autocommit is the same single transaction, one round trip,
      // unless its run-history row must commit with it.
      if (ctx.history) session.begin();
      const count = await replaceRelation(session, body.kind === 'view' ? 'VIEW' : 'TABLE', relation, await selectSql(b));
      const made = body.kind === 'view' ? null : count;
      if (session.inTransaction) await session.commit(ctx.history?.commitSql(node, made, []));
      return { key: id, status: 'success', rows: made, durationMs: elapsed(), checks: [] };
    }
    session.begin();
    if (body.kind === 'view') {
      await replaceRelation(session, 'VIEW', relation, await selectSql(b));
      rows = null;
    } else if (body.kind === 'incremental') {
      rows = body.dbtIncremental ? await loadDbtIncremental(b, body.dbtIncremental) : await loadIncremental(b);
    } else {
      rows = await replaceRelation(session, 'TABLE', relation, await selectSql(b));
    }
    const { results: checks, aborted } = await runChecks(b);
    if (aborted) return await session.fail(`${aborted}; rolled back, the previous data is unchanged`, { rows, durationMs: elapsed(), checks });
    const blocking = checks.filter((c) => !c.passed && c.blocking && c.severity === 'error');
    if (blocking.length > 0) {
      const error = `blocked by ${failedChecksText(blocking)}; rolled back, the previous data is unchanged`;
      return await session.fail(error, { rows, durationMs: elapsed(), blockedBy: blocking.map((c) => c.name), checks });
    }
    await session.commit(ctx.history?.commitSql(node, rows, checks));
    return { key: id, status: 'success', rows, durationMs: elapsed(), checks };
  } catch (err) {
    const error = err instanceof Cancelled ? 'cancelled; rolled back' : withTypoHint(messageOf(err), def.location.file, ctx.graph.problems);
    const line = errorLine(error, session.lastSent, body, b.templates);
    return session.fail(error, { durationMs: elapsed(), location: { file: def.location.file, line, column: 1 } });
  }
}

/** A Dagster/dbt asset that reached the SQL builder: only its checks-only run ends here, or a build without its tool. */
function notBuiltHere(node: AssetNode, ctx: PlanContext): AssetRunResult {
  const id = node.id;
  const def = node.definition;
  const tool = def.source === 'dbt' ? 'dbt' : 'Dagster';
  if (ctx.opts.checksOnly) {
    // Nothing to check is not a check that could not run.
    if (node.checks.length === 0) return { key: id, status: 'success', rows: null, durationMs: 0, checks: [] };
    const names = node.checks.map((c) => c.name).join(', ');
    const error = `${node.checks.length} ${tool} check${node.checks.length === 1 ? '' : 's'} not run (${names}): ${tool} runs them when it materializes the asset (asset-studio materialize ${id})`;
    return { key: id, status: 'skipped', rows: null, durationMs: 0, error, checks: [] };
  }
  const error = `Materializing ${def.source} assets is not available in this build: ${id} needs the ${tool} runner.`;
  ctx.emit({ type: 'log', level: 'error', asset: id, message: error });
  return { key: id, status: 'failed', rows: null, durationMs: 0, error, checks: [] };
}

/** Checks alone, against what the target holds; a relation never built means they could not run (skipped), not failed. */
async function checkWhatIsThere(b: BuildContext, elapsed: () => number): Promise<AssetRunResult> {
  const { node, run: ctx } = b;
  const id = node.id;
  const n = engineChecks(node).length;
  if (n > 0 && !(await relationExists(b.session, b.schema, b.body.relation.name))) {
    const error = `${id} is not materialized on target '${ctx.target.name}', so its ${n === 1 ? 'check' : `${n} checks`} could not run: materialize it first`;
    ctx.emit({ type: 'log', level: 'warn', asset: id, message: error });
    return { key: id, status: 'skipped', rows: null, durationMs: elapsed(), error, checks: [] };
  }
  const { results: checks } = await runChecks(b);
  const failed = checks.some((c) => !c.passed && c.severity === 'error');
  return { key: id, status: failed ? 'failed' : 'success', rows: null, durationMs: elapsed(), checks, ...(failed ? { error: failedChecksText(checks) } : {}) };
}

/**
 * The file line of DuckDB's `LINE n` (counted over the whole text sent) when it
 * falls inside the asset's own SQL; else the SQL's first line. `sqlLine` is the
 * line of the SQL's first non-blank line (discovery skips the blank rest of the
 * header's line). Templates never add lines, so the rendered SQL has the file's
 * line breaks.
 */
export function errorLine(message: string, sent: string, body: SqlAssetBody, templates: TemplateValues): number {
  const m = /\bLINE (\d+):/.exec(message);
  if (!m) return body.sqlLine;
  const lines = renderTemplate(body.sql, templates).split('\n');
  const first = lines.find((l) => l.trim() !== '');
  const at = first === undefined ? -1 : sent.indexOf(first);
  if (at < 0) return body.sqlLine;
  // 0-based line of the sent text where the SQL's first non-blank line is.
  const start = sent.slice(0, at).split('\n').length - 1;
  const within = Number(m[1]) - 1 - start;
  return Math.max(1, within >= 0 ? body.sqlLine + within : body.sqlLine);
}
