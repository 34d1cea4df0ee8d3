import type { AssetDefinition, CheckDefinition, SqlAssetBody } from '../asset';
import type { AssetNode } from '../graph/assetGraph';
import type { Problem } from '../problem';
import type { TargetConfig } from '../project/targetConfig';
import { DbtModelCompiler } from '../dbt/dbtModelCompiler';
import type { DbtNodePlan } from '../dbt/dbtModelCompiler';
import { loadDbtRunProject } from '../dbt/dbtRunProject';
import { seedColumnTypes, seedSelectSql } from '../dbt/dbtSeedTypes';
import { renderRelation } from '../dbt/dbtRelation';
import { dbtTestAsCheck } from '../dbt/dbtTestQueries';
import { quoteLiteral } from './sqlIdentifiers';
import type { DbtRunnerChoice } from './dbtRunnerChoice';


/** How one dbt node of a plan runs, decided before it takes a connection. */
export type DbtNodeRoute =
  | { readonly route: 'in-process'; readonly plan: DbtNodePlan; readonly compiler: DbtModelCompiler }
  /** A source: nothing to build; its tests run on the relation it names. */
  | { readonly route: 'source'; readonly relation: string; readonly compiler: DbtModelCompiler }
  | { readonly route: 'dbt'; readonly reason: string }
  | { readonly route: 'failed'; readonly problem: Problem };

export interface DbtRunSettings {
  readonly target: TargetConfig;
  readonly runner: DbtRunnerChoice;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly fullRefresh?: boolean;
}

/** One run's dbt projects, each read and compiled once for the run. */
export class DbtRunSession {
  private readonly compilers = new Map<string, Promise<DbtModelCompiler>>();
  /** Schemas this run created, once each: a CREATE SCHEMA per model is a commit per model. */
  private readonly schemas = new Map<string, Promise<void>>();

  constructor(readonly settings: DbtRunSettings) {}

  compilerFor(projectDir: string): Promise<DbtModelCompiler> {
    let c = this.compilers.get(projectDir);
    if (!c) {
      c = loadDbtRunProject(projectDir).then(
        (project) => new DbtModelCompiler(project, { target: this.settings.target, env: this.settings.env, vars: this.settings.vars, fullRefresh: this.settings.fullRefresh }),
      );
      this.compilers.set(projectDir, c);
    }
    return c;
  }

  /** Creates `schema` the first time a model of this run writes to it; later callers wait for that. */
  ensureSchema(schema: string, create: () => Promise<void>): Promise<void> {
    let made = this.schemas.get(schema);
    if (!made) {
      made = create();
      this.schemas.set(schema, made);
      // A failed attempt is not remembered: the next model tries again.
      made.catch(() => this.schemas.delete(schema));
    }
    return made;
  }

  /** Models and seeds run in-process unless the runner is `dbt`, or (with `auto`) they need dbt. */
  async route(node: AssetNode): Promise<DbtNodeRoute> {
    const info = node.definition.dbt;
    const runner = this.settings.runner;
    if (!info) return { route: 'failed', problem: problemOf(node, 'not a dbt node') };
    if (runner === 'dbt') return { route: 'dbt', reason: 'dbt_runner is dbt' };
    if (info.resourceType === 'source' && info.sourceTable) {
      try {
        const compiler = await this.compilerFor(info.projectDir);
        const relation = compiler.sourceRelation(info.sourceTable.sourceName, info.sourceTable.tableName);
        if (typeof relation === 'string') return { route: 'source', relation, compiler };
        return { route: 'failed', problem: problemOf(node, relation.message) };
      } catch (err) {
        return { route: 'failed', problem: problemOf(node, err instanceof Error ? err.message : String(err)) };
      }
    }
    if (info.resourceType !== 'model' && info.resourceType !== 'seed') {
      const reason = `${info.resourceType}s run with dbt`;
      return runner === 'auto' ? { route: 'dbt', reason } : { route: 'failed', problem: problemOf(node, `${node.id}: ${reason} (dbt_runner is in-process)`) };
    }
    let compiler: DbtModelCompiler;
    try {
      compiler = await this.compilerFor(info.projectDir);
    } catch (err) {
      return { route: 'failed', problem: problemOf(node, err instanceof Error ? err.message : String(err)) };
    }
    const planned = compiler.plan(info.selector, info.resourceType);
    if (!planned.ok) {
      if (planned.needsDbt && runner === 'auto') return { route: 'dbt', reason: planned.needsDbt };
      return { route: 'failed', problem: planned.problem };
    }
    if (planned.value.needsDbt) {
      if (runner === 'auto') return { route: 'dbt', reason: planned.value.needsDbt };
      return { route: 'failed', problem: problemOf(node, `${node.id} needs dbt: ${planned.value.needsDbt} (dbt_runner is in-process)`) };
    }
    return { route: 'in-process', plan: planned.value, compiler };
  }
}

/** The SQL-asset form of a dbt node for this run, or why it cannot be built. */
export type DbtSqlNode = { readonly ok: true; readonly node: AssetNode; readonly ephemeral: boolean } | { readonly ok: false; readonly problem: Problem };

/**
 * Renders a routed dbt model or seed into what the engine builds: a SQL body
 * (table, view or incremental, on the relation dbt-duckdb names) and its tests
 * as `sql` checks. `query` reads the target (does the incremental's table exist,
 * what types a seed's CSV has).
 */
export async function dbtAsSqlNode(
  node: AssetNode,
  routed: Extract<DbtNodeRoute, { route: 'in-process' }>,
  query: (sql: string) => Promise<Record<string, unknown>[]>,
  opts: { readonly fullRefresh?: boolean; readonly checksOnly?: boolean },
): Promise<DbtSqlNode> {
  const { plan, compiler } = routed;
  const relation = plan.relation;
  const quoted = renderRelation(relation);
  let body: SqlAssetBody;
  if (plan.materialized === 'seed') {
    body = { kind: 'table', relation: { schema: relation.schema, name: relation.identifier }, sql: opts.checksOnly ? '' : await seedSql(plan, query), sqlLine: 1 };
  } else if (plan.materialized === 'ephemeral') {
    return { ok: true, node, ephemeral: true };
  } else {
    let exists = false;
    if (plan.materialized === 'incremental' && !opts.fullRefresh && !opts.checksOnly) {
      const rows = await query(
        `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ${quoteLiteral(relation.schema)} AND table_name = ${quoteLiteral(relation.identifier)}`,
      );
      exists = Number(rows[0]?.['n'] ?? 0) > 0;
    }
    const compiled = compiler.compile(plan.node.name, exists);
    if (!compiled.ok) return { ok: false, problem: compiled.problem };
    const c = compiled.value;
    const kind = plan.materialized === 'incremental' && !opts.fullRefresh ? 'incremental' : plan.materialized === 'view' ? 'view' : 'table';
    body = {
      kind,
      relation: { schema: relation.schema, name: relation.identifier },
      sql: c.sql,
      sqlLine: modelSqlLine(c.sql, c.rendered),
      ...(kind === 'incremental' && c.incremental ? { dbtIncremental: c.incremental } : {}),
    };
  }
  const checks = dbtChecksOn(node, quoted, compiler);
  if (!checks.ok) return checks;
  const definition: AssetDefinition = { ...node.definition, sql: body };
  return { ok: true, node: { ...node, definition, checks: checks.checks }, ephemeral: false };
}

/** The node's dbt tests as `sql` checks on `relation` (its other checks as they are). */
export function dbtChecksOn(node: AssetNode, relation: string, compiler: DbtModelCompiler): { ok: true; checks: CheckDefinition[] } | { ok: false; problem: Problem } {
  const checks: CheckDefinition[] = [];
  for (const check of node.checks) {
    if (check.type !== 'dbt') {
      checks.push(check);
      continue;
    }
    const converted = dbtTestAsCheck(check, relation, compiler);
    if (!converted.ok) return { ok: false, problem: converted.problem };
    checks.push(converted.value);
  }
  return { ok: true, checks };
}

/** A seed as dbt-duckdb loads it: the CSV with a header, typed as dbt's agate inference types it, `column_types` winning. */
async function seedSql(plan: DbtNodePlan, query: (sql: string) => Promise<Record<string, unknown>[]>): Promise<string> {
  const file = plan.node.file;
  const raw = plan.config.column_types && typeof plan.config.column_types === 'object' ? (plan.config.column_types as Record<string, unknown>) : {};
  const given = Object.fromEntries(Object.entries(raw).filter(([, t]) => typeof t === 'string').map(([c, t]) => [c, String(t)]));
  return seedSelectSql(file, await seedColumnTypes(file, given, query));
}

function problemOf(node: AssetNode, message: string): Problem {
  const l = node.definition.location;
  return { file: l.file, line: l.line, column: l.column, severity: 'error', code: 'dbt.run', message };
}

/**
 * The file line of the first non-blank line of `sql`, as the engine maps DuckDB's
 * `LINE n` back (src/core/engine/sqlAssetBuild.ts errorLine): rendering keeps the
 * model's line breaks, and the ephemeral CTEs' wrapper sits above its first line.
 */
function modelSqlLine(sql: string, rendered: string): number {
  const model = rendered.replace(/;\s*$/, '');
  const wrapperLines = sql === model ? 0 : sql.slice(0, sql.indexOf(model)).split('\n').length - 1;
  const firstNonBlank = sql.split('\n').findIndex((l) => l.trim() !== '');
  return Math.max(firstNonBlank, 0) + 1 - wrapperLines;
}
