import { randomUUID } from 'node:crypto';
import type { DbtIncrementalLoad } from '../asset';
import type { BuildContext } from './buildContext';
import { replaceRelation, selectSql, tableExists } from './relationStatements';
import { quoteIdent } from './sqlIdentifiers';

/**
 * A dbt incremental model loaded as dbt-duckdb loads it, so the table equals
 * what `dbt run` leaves: the batch into a temporary table, `on_schema_change`,
 * then the strategy's statements, keys compared with `=` (a NULL key never
 * matches) and every batch row inserted. Returns the rows the strategy wrote.
 */
export async function loadDbtIncremental(b: BuildContext, dbt: DbtIncrementalLoad): Promise<number> {
  const { relation, session } = b;
  // First run, or the model was a view until now (replaced in the same transaction, as dbt drops it).
  if (!(await tableExists(b))) return replaceRelation(session, 'TABLE', relation, await selectSql(b));
  const batch = quoteIdent(`__dbt_tmp_${randomUUID().replace(/-/g, '')}`);
  await session.exec(`CREATE TEMP TABLE ${batch} AS\n${await selectSql(b)}`);
  const columns = await destinationColumns(b, batch, dbt.onSchemaChange);
  const list = columns.map(quoteIdent).join(', ');
  let rows: number;
  if (dbt.strategy === 'merge') {
    const on = dbt.uniqueKey ? keyEquality(dbt.uniqueKey, '"DBT_INTERNAL_SOURCE"', '"DBT_INTERNAL_DEST"') : 'FALSE';
    rows = await session.exec(
      `MERGE INTO ${relation} AS "DBT_INTERNAL_DEST" USING ${batch} AS "DBT_INTERNAL_SOURCE" ON (${on})\n` +
        'WHEN MATCHED THEN UPDATE BY NAME\nWHEN NOT MATCHED THEN INSERT BY NAME',
    );
  } else {
    if (dbt.strategy === 'delete+insert' && dbt.uniqueKey) {
      const key = dbt.uniqueKey;
      await session.exec(
        typeof key === 'string'
          ? `DELETE FROM ${relation} WHERE (${keyExpression(key)}) IN (SELECT (${keyExpression(key)}) FROM ${batch})`
          : `DELETE FROM ${relation} AS "DBT_INTERNAL_DEST" USING ${batch} AS "DBT_INTERNAL_SOURCE" WHERE ${keyEquality(key, '"DBT_INTERNAL_SOURCE"', '"DBT_INTERNAL_DEST"')}`,
      );
    }
    rows = await session.exec(`INSERT INTO ${relation} (${list}) SELECT ${list} FROM ${batch}`);
  }
  await session.exec(`DROP TABLE ${batch}`);
  return rows;
}

/**
 * The columns written, as dbt's `process_schema_changes` decides: the table's own
 * under `ignore`; else the batch's, after `fail` found no change or
 * `append_new_columns` added the new ones to the table.
 */
async function destinationColumns(b: BuildContext, batch: string, onSchemaChange: DbtIncrementalLoad['onSchemaChange']): Promise<string[]> {
  const table = await columnsOf(b, b.relation);
  if (onSchemaChange === 'ignore') return table.map((c) => c.name);
  const source = await columnsOf(b, batch);
  const inTable = new Map(table.map((c) => [c.name.toLowerCase(), c.type]));
  const inSource = new Set(source.map((c) => c.name.toLowerCase()));
  const added = source.filter((c) => !inTable.has(c.name.toLowerCase()));
  const removed = table.filter((c) => !inSource.has(c.name.toLowerCase()));
  const retyped = source.filter((c) => inTable.has(c.name.toLowerCase()) && inTable.get(c.name.toLowerCase()) !== c.type);
  if (added.length + removed.length + retyped.length === 0) return source.map((c) => c.name);
  if (onSchemaChange === 'fail') {
    const names = (cs: readonly Column[]): string => (cs.length === 0 ? 'none' : cs.map((c) => `${c.name} ${c.type}`).join(', '));
    throw new Error(
      `on_schema_change='fail': the model's columns no longer match its table (new: ${names(added)}; gone: ${names(removed)}; retyped: ${names(retyped)}). ` +
        "Materialize it with --full-refresh, or set on_schema_change to 'append_new_columns'.",
    );
  }
  for (const c of added) await b.session.exec(`ALTER TABLE ${b.relation} ADD COLUMN ${quoteIdent(c.name)} ${c.type}`);
  return source.map((c) => c.name);
}

interface Column {
  readonly name: string;
  readonly type: string;
}

async function columnsOf(b: BuildContext, relation: string): Promise<Column[]> {
  const rows = await b.session.query(`SELECT column_name, column_type FROM (DESCRIBE ${relation})`);
  return rows.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
}

/** A plain column name is quoted; anything else is the user's SQL expression, as dbt pastes it. */
function keyExpression(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? quoteIdent(key) : key;
}

function keyEquality(key: string | readonly string[], left: string, right: string): string {
  const keys = typeof key === 'string' ? [key] : key;
  return keys.map((k) => `${left}.${keyExpression(k)} = ${right}.${keyExpression(k)}`).join(' AND ');
}
