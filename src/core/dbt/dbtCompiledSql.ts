import type { AssetNode } from '../graph/assetGraph';
import type { Problem } from '../problem';
import type { TargetConfig } from '../project/targetConfig';
import { openTarget } from '../engine/targetConnection';
import { quoteLiteral } from '../engine/sqlIdentifiers';
import { DbtModelCompiler } from './dbtModelCompiler';
import { loadDbtRunProject } from './dbtRunProject';
import { renderRelation } from './dbtRelation';

export type CompiledSql =
  | {
      readonly ok: true;
      /** What runs: the model's rendered SQL with its ephemeral models inlined. */
      readonly sql: string;
      readonly relation: string;
      readonly materialized: string;
      /** What `is_incremental()` returned: the model's table exists on the target. */
      readonly isIncremental: boolean;
    }
  | { readonly ok: false; readonly problem: Problem };

export interface CompiledSqlOptions {
  readonly projectRoot: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly token?: string;
  readonly vars?: Readonly<Record<string, unknown>>;
}

/**
 * A dbt model's SQL as it would run on `target` (`asset-studio compile`, Show
 * Compiled SQL). `is_incremental()` is answered from the target, read-only and
 * only when its database exists: compiling never creates or writes anything.
 */
export async function compiledSqlOf(node: AssetNode, target: TargetConfig, opts: CompiledSqlOptions): Promise<CompiledSql> {
  const info = node.definition.dbt;
  const at = node.definition.location;
  const fail = (message: string, line = at.line): CompiledSql => ({ ok: false, problem: { file: at.file, line, column: 1, severity: 'error', code: 'dbt.compile', message } });
  if (!info || info.resourceType !== 'model') return fail(`${node.id} is not a dbt model: only models have compiled SQL.`);
  let compiler: DbtModelCompiler;
  try {
    compiler = new DbtModelCompiler(await loadDbtRunProject(info.projectDir), { target, env: opts.env, vars: opts.vars });
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const plan = compiler.plan(info.selector);
  if (!plan.ok) return { ok: false, problem: plan.problem };
  const exists = plan.value.materialized === 'incremental' ? await relationExists(target, opts, plan.value.relation.schema, plan.value.relation.identifier) : false;
  const compiled = compiler.compile(info.selector, exists);
  if (!compiled.ok) return { ok: false, problem: compiled.problem };
  return { ok: true, sql: compiled.value.sql, relation: renderRelation(plan.value.relation), materialized: plan.value.materialized, isIncremental: compiled.value.isIncremental };
}

async function relationExists(target: TargetConfig, opts: CompiledSqlOptions, schema: string, name: string): Promise<boolean> {
  let db;
  try {
    db = await openTarget(target, { projectRoot: opts.projectRoot, token: opts.token, env: opts.env, readOnly: true });
  } catch {
    return false; // no database yet (or unreachable): dbt would compile the first run's SQL too
  }
  try {
    const conn = await db.connect();
    try {
      const reader = await conn.runAndReadAll(
        `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ${quoteLiteral(schema)} AND table_name = ${quoteLiteral(name)}`,
      );
      return Number(reader.getRowObjectsJson()[0]?.['n'] ?? 0) > 0;
    } finally {
      conn.closeSync();
    }
  } finally {
    db.close();
  }
}
