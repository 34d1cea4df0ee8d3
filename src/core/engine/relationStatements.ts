// The statements a build uses to make and inspect its relation.
import type { SqlAssetBody } from '../asset';
import { renderTemplate } from '../discovery/sql/sqlTemplate';
import type { TemplateValues } from '../discovery/sql/sqlTemplate';
import type { AssetSession } from './assetSession';
import type { BuildContext } from './buildContext';
import { messageOf } from './buildContext';
import { quoteLiteral } from './sqlIdentifiers';

/**
 * CREATE OR REPLACE TABLE/VIEW; when the relation exists as the other kind (the
 * asset's kind changed), drops it first — in one transaction, so a failure keeps it.
 */
export async function replaceRelation(session: AssetSession, kind: 'TABLE' | 'VIEW', relation: string, sql: string): Promise<number> {
  const create = `CREATE OR REPLACE ${kind} ${relation} AS\n${sql}`;
  try {
    return await session.exec(create);
  } catch (err) {
    if (!/Existing object .* is of type (View|Table), trying to replace with type (Table|View)/.test(messageOf(err))) throw err;
    if (!session.inTransaction) session.begin();
    await session.exec(`DROP ${kind === 'TABLE' ? 'VIEW' : 'TABLE'} ${relation}`);
    return session.exec(create);
  }
}

/** The asset's SELECT as it runs: templates rendered, upstream deferred (--defer). */
export async function selectSql(b: BuildContext, templates: TemplateValues = b.templates): Promise<string> {
  const sql = renderedSql(b.body, templates);
  return b.run.defer ? b.session.deferUpstream(sql, { schema: b.schema, name: b.body.relation.name }, b.body.kind === 'view') : sql;
}

/** The SQL with its templates filled in, without a trailing semicolon (it is wrapped in CREATE … AS). */
export function renderedSql(body: SqlAssetBody, templates: TemplateValues): string {
  return renderTemplate(body.sql, templates).replace(/;\s*$/, '');
}

/** A table or a view of that name in the target's current database. */
export async function relationExists(session: AssetSession, schema: string, name: string): Promise<boolean> {
  const where = `database_name = current_database() AND schema_name = ${quoteLiteral(schema)}`;
  const rows = await session.query(
    `SELECT (SELECT count(*) FROM duckdb_tables() WHERE ${where} AND table_name = ${quoteLiteral(name)}) + ` +
      `(SELECT count(*) FROM duckdb_views() WHERE ${where} AND view_name = ${quoteLiteral(name)}) AS n`,
  );
  return Number(rows[0]?.['n'] ?? 0) > 0;
}

/** The asset's relation is a table (not a view, not missing). */
export async function tableExists(b: BuildContext): Promise<boolean> {
  const rows = await b.session.query(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ${quoteLiteral(b.schema)} AND table_name = ${quoteLiteral(b.body.relation.name)}`,
  );
  return Number(rows[0]?.['n'] ?? 0) > 0;
}
