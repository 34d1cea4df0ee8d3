import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataReadSession } from '../../src/core/data/dataReadSession';
import type { DataView } from '../../src/core/data/dataView';
import { pageSql } from '../../src/core/data/dataView';
import { duckTarget, queryFile, tempDir } from './engineFixtures';

const TABLE = `CREATE SCHEMA "we""ird";
  CREATE TABLE "we""ird"."t ab" AS SELECT i AS id,
    CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37) % 11 END AS "sco""re",
    'name ' || (i % 13) AS name,
    CASE WHEN i % 5 = 0 THEN NULL ELSE DATE '2024-01-01' + (i % 9)::INTEGER END AS day
  FROM range(3000) r(i);
  CREATE VIEW "we""ird"."v" AS SELECT * FROM "we""ird"."t ab";`;
const relation = '"we""ird"."t ab"';

/** The rows DuckDB's own ORDER BY … LIMIT … OFFSET gives: what every page through a row order must equal. */
async function expected(path: string, rel: string, view: DataView, offset: number, limit: number): Promise<unknown[]> {
  const bound = pageSql({ kind: 'relation', relation: rel }, view, offset, limit);
  // Ties broken by id, as the row order breaks them by row id (ids are the row ids here).
  const sql = bound.sql.replace(/ LIMIT/, view.sort?.length ? ', "id" LIMIT' : ' ORDER BY "id" LIMIT').replace(/\$(\d+)/g, (_, n: string) => `'${bound.params[Number(n) - 1]!.replace(/'/g, "''")}'`);
  return (await queryFile(path, sql)).map((r) => Number(r['id']));
}

test('pages of a sorted or filtered table come through its row order and equal ORDER BY … OFFSET, at every depth, NULL keys and ties included', async () => {
  const { dir, cleanup } = tempDir('data-order-');
  try {
    const target = duckTarget(dir);
    await queryFile(target.path!, TABLE);
    const hash = () => createHash('sha256').update(readFileSync(target.path!)).digest('hex');
    const before = hash();
    const session = new DataReadSession(target, { projectRoot: dir }, { idleMs: 60_000, maxHoldMs: 60_000 });
    try {
      const views: DataView[] = [
        { sort: [{ column: 'sco"re', descending: true }] },
        { sort: [{ column: 'day' }, { column: 'name', descending: true }] },
        { filters: [{ column: 'name', op: 'contains', value: 'E 1' }] },
        { sort: [{ column: 'name' }], filters: [{ column: 'sco"re', op: '>=', value: '5' }] },
      ];
      for (const view of views) {
        const first = await session.page({ source: { kind: 'relation', relation }, view, offset: 0, limit: 50, count: true });
        const total = first.totalRows!;
        for (const offset of [0, 50, 1234, 590, 1190, Math.max(0, total - 20), total]) {
          const page = await session.page({ source: { kind: 'relation', relation }, view, offset, limit: 50, count: true });
          assert.deepEqual(page.rows.map((r) => r[0]), await expected(target.path!, relation, view, offset, 50), `${JSON.stringify(view)} at ${offset}`);
          assert.equal(page.totalRows, total);
          assert.match(page.sql, /LIMIT 50 OFFSET \d+$/, 'the SQL shown is the one the rows are, runnable as pasted');
        }
      }
    } finally {
      await session.close();
    }
    assert.equal(hash(), before, 'the database file is not written');
  } finally {
    cleanup();
  }
});

test('a row order follows the file: rows written after it was computed show on the next page; a view (no row ids) pages by OFFSET', async () => {
  const { dir, cleanup } = tempDir('data-order-');
  try {
    const target = duckTarget(dir);
    await queryFile(target.path!, TABLE);
    const session = new DataReadSession(target, { projectRoot: dir }, { idleMs: 30, maxHoldMs: 60_000 });
    try {
      const view: DataView = { sort: [{ column: 'id', descending: true }] };
      const read = (rel: string, offset: number) => session.page({ source: { kind: 'relation', relation: rel }, view, offset, limit: 3, count: true });
      await read(relation, 0);
      assert.deepEqual((await read(relation, 3)).rows.map((r) => r[0]), [2996, 2995, 2994]);
      await new Promise((r) => setTimeout(r, 200)); // the session lets the file go when idle
      await queryFile(target.path!, `INSERT INTO ${relation} (id) SELECT 5000 + i FROM range(10) r(i)`);
      const after = await read(relation, 3);
      assert.deepEqual(after.rows.map((r) => r[0]), [5006, 5005, 5004]);
      assert.equal(after.totalRows, 3010);
      const viewPage = await read('"we""ird"."v"', 1000);
      assert.deepEqual(viewPage.rows.map((r) => r[0]), await expected(target.path!, '"we""ird"."v"', view, 1000, 3));
    } finally {
      await session.close();
    }
  } finally {
    cleanup();
  }
});
