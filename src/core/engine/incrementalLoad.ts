import { randomUUID } from 'node:crypto';
import { usesTemplate } from '../discovery/sql/sqlTemplate';
import type { BuildContext } from './buildContext';
import { latestPerKeySql, repeatedKeyMessage, repeatedKeySql } from './incrementalBatch';
import { replaceRelation, selectSql, tableExists } from './relationStatements';
import { quoteIdent } from './sqlIdentifiers';
import { readWatermark, saveWatermarkSql, watermarkLiteral } from './stateStore';

/**
 * Incremental (docs/materialization.md): full load the first time; then new rows
 * only, replacing by unique_key, and the mark moves — in the build's transaction.
 * Returns the rows this run loaded.
 */
export async function loadIncremental(b: BuildContext): Promise<number> {
  const { node, body, relation, session } = b;
  let rows: number;
  if (!(await tableExists(b))) {
    // First run, or a view until now: replaced in this transaction.
    rows = await replaceRelation(session, 'TABLE', relation, await selectSql(b, { ...b.templates, watermark: 'NULL' }));
  } else {
    const mark = body.watermark ? await readWatermark(session.conn, node.id) : undefined;
    const markSql = watermarkLiteral(mark);
    let source = await selectSql(b, { ...b.templates, watermark: markSql });
    if (body.watermark && mark && !usesTemplate(body.sql, 'watermark')) {
      source = `SELECT * FROM (\n${source}\n) AS __source WHERE ${quoteIdent(body.watermark)} > ${markSql}`;
    }
    const keys = body.uniqueKey ?? [];
    if (keys.length > 0) {
      const temp = quoteIdent(`__asset_studio_new_${randomUUID().replace(/-/g, '')}`);
      await session.exec(`CREATE TEMP TABLE ${temp} AS\n${latestPerKeySql(source, keys, body.watermark)}`);
      if (!body.watermark) {
        const repeated = (await session.query(repeatedKeySql(temp, keys)))[0];
        if (repeated) throw new Error(repeatedKeyMessage(keys, repeated['key'], repeated['n']));
      }
      // NULL is a key value like any other (as in the `unique` check's GROUP BY): a NULL key replaces the same
      // NULL key. With `=` (dbt's delete+insert) NULL-keyed rows would pile up on every run.
      const match = keys.map((k) => `__old.${quoteIdent(k)} IS NOT DISTINCT FROM __new.${quoteIdent(k)}`).join(' AND ');
      await session.exec(`DELETE FROM ${relation} AS __old USING ${temp} AS __new WHERE ${match}`);
      rows = await session.exec(`INSERT INTO ${relation} BY NAME SELECT * FROM ${temp}`);
      await session.exec(`DROP TABLE ${temp}`);
    } else {
      rows = await session.exec(`INSERT INTO ${relation} BY NAME\n${source}`);
    }
  }
  if (body.watermark) {
    await session.exec(saveWatermarkSql(node.id, relation, quoteIdent(body.watermark), b.run.runId));
  }
  return rows;
}
