import type { DuckDBConnection } from '@duckdb/node-api';
import type { AssetNode } from '../graph/assetGraph';
import { AssetSession } from './assetSession';
import { failedChecksText, runChecks } from './assetChecksRun';
import type { PlanContext } from './buildContext';
import { Cancelled, messageOf, ms } from './buildContext';
import type { DbtNodeRoute } from './dbtInProcess';
import { dbtAsSqlNode, dbtChecksOn } from './dbtInProcess';
import type { AssetRunResult } from './engineEvents';
import { buildSqlAsset } from './sqlAssetBuild';
import { quoteIdent, quoteLiteral } from './sqlIdentifiers';

/**
 * A dbt model or seed rendered in-process, then built as a SQL asset is: one
 * transaction with its tests as checks (an error-severity failure rolls back).
 * Relative paths in its SQL resolve against the dbt project, as when dbt runs there.
 */
export async function buildDbtInProcess(node: AssetNode, routed: Extract<DbtNodeRoute, { route: 'in-process' | 'source' }>, conn: DuckDBConnection, ctx: PlanContext): Promise<AssetRunResult> {
  const started = performance.now();
  const id = node.id;
  const session = new AssetSession(conn, id, ctx);
  const projectDir = routed.compiler.project.projectDir;
  const moved = projectDir !== ctx.opts.projectRoot;
  try {
    if (moved) await session.exec(`SET file_search_path = ${quoteLiteral(projectDir)}`);
    if (routed.route === 'source') {
      // A source is read, never built: `dbt build` runs its tests, so do we.
      const converted = dbtChecksOn(node, routed.relation, routed.compiler);
      if (!converted.ok) {
        const p = converted.problem;
        return { key: id, status: 'failed', rows: null, durationMs: ms(started), error: p.message, location: { file: p.file, line: p.line, column: p.column }, checks: [] };
      }
      ctx.emit({ type: 'asset-started', asset: id });
      const { results: checks } = await runChecks({ node: { ...node, checks: converted.checks }, session, relation: routed.relation, templates: {}, run: ctx });
      const failed = checks.some((c) => !c.passed && c.severity === 'error');
      return { key: id, status: failed ? 'failed' : 'success', rows: null, durationMs: ms(started), checks, ...(failed ? { error: failedChecksText(checks) } : {}) };
    }
    ctx.emit({ type: 'log', level: 'info', asset: id, message: `${id}: dbt ${routed.plan.materialized}, rendered and run in-process` });
    const made = await dbtAsSqlNode(node, routed, (sql) => session.query(sql), { fullRefresh: ctx.opts.fullRefresh, checksOnly: ctx.opts.checksOnly });
    if (!made.ok) {
      const p = made.problem;
      ctx.emit({ type: 'log', level: 'error', asset: id, message: `${id}: ${p.message} (${p.file}:${p.line})` });
      return { key: id, status: 'failed', rows: null, durationMs: ms(started), error: p.message, location: { file: p.file, line: p.line, column: p.column }, checks: [] };
    }
    if (made.ephemeral) {
      return { key: id, status: 'success', rows: null, durationMs: ms(started), checks: [] };
    }
    const schema = routed.plan.relation.schema;
    if (!ctx.opts.checksOnly) await ctx.dbt.ensureSchema(schema, async () => void (await session.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)));
    return await buildSqlAsset(made.node, conn, ctx);
  } catch (err) {
    const error = err instanceof Cancelled ? 'cancelled' : messageOf(err);
    return { key: id, status: 'failed', rows: null, durationMs: ms(started), error, checks: [] };
  } finally {
    if (moved) {
      try {
        await conn.run(`SET file_search_path = ${quoteLiteral(ctx.opts.projectRoot)}`);
      } catch {
        // The connection is closed with the run; nothing else reads paths on it.
      }
    }
  }
}
