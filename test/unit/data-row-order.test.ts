import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataReadSession, ORDER_READ_ROWS, SkippedRead } from '../../src/core/data/dataReadSession';
import type { DataSource, DataView } from '../../src/core/data/dataView';
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

/**
 * A session on a new file holding TABLE, closed after `use`; the file must then
 * be as it was (reads never write it), unless the test writes it itself.
 */
async function withSession(use: (session: DataReadSession, path: string) => Promise<void>, opts: { idleMs?: number; materializedRows?: number; writes?: boolean } = {}): Promise<void> {
  const { dir, cleanup } = tempDir('data-order-');
  try {
    const target = duckTarget(dir);
    await queryFile(target.path!, TABLE);
    const hash = () => createHash('sha256').update(readFileSync(target.path!)).digest('hex');
    const before = hash();
    const session = new DataReadSession(target, { projectRoot: dir }, { idleMs: opts.idleMs ?? 60_000, maxHoldMs: 60_000 }, opts.materializedRows);
    try {
      await use(session, target.path!);
    } finally {
      await session.close();
    }
    if (!opts.writes) assert.equal(hash(), before, 'the database file is not written');
  } finally {
    cleanup();
  }
}

test('pages of a sorted or filtered table come through its row order and equal ORDER BY … OFFSET, at every depth, NULL keys and ties included', async () => {
  await withSession(async (session, path) => {
      const views: DataView[] = [
        { sort: [{ column: 'sco"re', descending: true }] },
        { sort: [{ column: 'day' }, { column: 'name', descending: true }] },
        { filters: [{ column: 'name', op: 'contains', value: 'E 1' }] },
        { sort: [{ column: 'name' }], filters: [{ column: 'sco"re', op: '>=', value: '5' }] },
      ];
      for (const view of views) {
        const first = await session.page({ source: { kind: 'relation', relation }, view, offset: 0, limit: 50, count: true });
        const total = first.totalRows!;
        // The first page comes before the order (DuckDB's top-N), with ties as the order has them.
        assert.deepEqual(first.rows.map((r) => r[0]), await expected(path, relation, view, 0, 50), `${JSON.stringify(view)}: first page`);
        for (const offset of [0, 50, 1234, 590, 1190, Math.max(0, total - 20), total]) {
          const page = await session.page({ source: { kind: 'relation', relation }, view, offset, limit: 50, count: true });
          assert.deepEqual(page.rows.map((r) => r[0]), await expected(path, relation, view, offset, 50), `${JSON.stringify(view)} at ${offset}`);
          assert.equal(page.totalRows, total);
          assert.match(page.sql, /LIMIT 50 OFFSET \d+$/, 'the SQL shown is the one the rows are, runnable as pasted');
        }
      }
  });
});

test('a row order follows the file: rows written after it was computed show on the next page; a view (no row ids) is paged through a copy of its rows', async () => {
  await withSession(async (session, path) => {
      const view: DataView = { sort: [{ column: 'id', descending: true }] };
      const read = (rel: string, offset: number) => session.page({ source: { kind: 'relation', relation: rel }, view, offset, limit: 3, count: true });
      await read(relation, 0);
      assert.deepEqual((await read(relation, 3)).rows.map((r) => r[0]), [2996, 2995, 2994]);
      await new Promise((r) => setTimeout(r, 200)); // the session lets the file go when idle
      await queryFile(path, `INSERT INTO ${relation} (id) SELECT 5000 + i FROM range(10) r(i)`);
      const after = await read(relation, 3);
      assert.deepEqual(after.rows.map((r) => r[0]), [5006, 5005, 5004]);
      assert.equal(after.totalRows, 3010);
      const viewPage = await read('"we""ird"."v"', 1000);
      assert.deepEqual(viewPage.rows.map((r) => r[0]), await expected(path, '"we""ird"."v"', view, 1000, 3));
  }, { idleMs: 30, writes: true });
});

test('pages that overlap rows read before, and pages longer than one read, still equal ORDER BY … OFFSET', async () => {
  await withSession(async (session, path) => {
      const view: DataView = { sort: [{ column: 'day', descending: true }] };
      const read = (offset: number, limit: number) => session.page({ source: { kind: 'relation', relation }, view, offset, limit });
      await read(0, 10);
      // Partly in memory, partly not: 100…150 then 120…170 then 90…200, then one page of 2,500 rows (more than one read).
      for (const [offset, limit] of [[100, 50], [120, 50], [90, 110], [10, 2500], [2990, 50]] as const) {
        assert.deepEqual((await read(offset, limit)).rows.map((r) => r[0]), await expected(path, relation, view, offset, limit), `${offset}+${limit}`);
      }
  });
});

/** Every page of a view from 0 to its end, one after the other at odd sizes. */
async function allPages(session: DataReadSession, source: DataSource, view: DataView, limit: number): Promise<unknown[][]> {
  const first = await session.page({ source, view, offset: 0, limit, count: true });
  const rows = [...first.rows];
  while (rows.length < first.totalRows!) rows.push(...(await session.page({ source, view, offset: rows.length, limit })).rows);
  return rows as unknown[][];
}

test('a query and a view (no row ids) are paged through a copy of their rows: sorted with ties and NULLs last, every row once, the same rows when read again', async () => {
  await withSession(async (session) => {
      // A query whose rows differ each time it runs: pages by OFFSET would each see another run.
      const query: DataSource = { kind: 'query', sql: 'SELECT id, "sco""re", random() AS r FROM "we""ird"."t ab" -- comment' };
      const view: DataView = { sort: [{ column: 'sco"re', descending: true }], filters: [{ column: 'id', op: '<', value: '2000' }] };
      const rows = await allPages(session, query, view, 77);
      assert.equal(rows.length, 2000);
      assert.deepEqual(rows.map((r) => r[0]).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 2000 }, (_, i) => i), 'every row once');
      const scores = rows.map((r) => r[1] as number | null);
      const firstNull = scores.indexOf(null);
      assert.ok(firstNull > 0 && scores.slice(firstNull).every((s) => s === null), 'NULLs last');
      for (let i = 1; i < firstNull; i++) assert.ok(scores[i - 1]! >= scores[i]!, `descending at ${i}`);
      const again = await session.page({ source: query, view, offset: 1000, limit: 77 });
      assert.deepEqual(again.rows, rows.slice(1000, 1077), 'the same rows, random() included: the query ran once for all pages');
      assert.deepEqual(again.columns.map((c) => c.name), ['id', 'sco"re', 'r']);
      assert.match(again.sql, /LIMIT 77 OFFSET 1000$/);

      const viewRows = await allPages(session, { kind: 'relation', relation: '"we""ird"."v"' }, { sort: [{ column: 'name' }] }, 500);
      assert.equal(viewRows.length, 3000);
      for (let i = 1; i < viewRows.length; i++) assert.ok(String(viewRows[i - 1]![2]) <= String(viewRows[i]![2]), `sorted by name at ${i}`);
      assert.equal(new Set(viewRows.map((r) => r[0])).size, 3000, 'every row once');

      // Duplicate column names: deep pages (from the copy) name the columns as the first page (the query itself) does.
      const dup = await session.page({ source: { kind: 'query', sql: 'SELECT id AS a, id * 2 AS a FROM range(10) r(id)' }, view: {}, offset: 0, limit: 2 });
      const dupDeep = await session.page({ source: { kind: 'query', sql: 'SELECT id AS a, id * 2 AS a FROM range(10) r(id)' }, view: {}, offset: 4, limit: 2 });
      assert.deepEqual(dupDeep.columns, dup.columns);
      assert.deepEqual(dupDeep.rows, [[4, 8], [5, 10]]);
  });
});

test('a query with more rows than may be copied is paged by OFFSET (each page runs it again)', async () => {
  await withSession(async (session) => {
      const read = (sql: string) => session.page({ source: { kind: 'query', sql }, view: {}, offset: 100, limit: 5 });
      const big = 'SELECT i, random() AS r FROM range(501) t(i)';
      assert.notDeepEqual((await read(big)).rows, (await read(big)).rows, 'a new run per page');
      const small = 'SELECT i, random() AS r FROM range(500) t(i)';
      assert.deepEqual((await read(small)).rows, (await read(small)).rows, 'copied once');
  }, { materializedRows: 500 });
});

test('a long page of a sorted table is one query when nothing waits, else read in parts: a read asked meanwhile comes before its end, a page no longer wanted stops between parts; pages equal ORDER BY … OFFSET', async () => {
  await withSession(async (session, path) => {
    const source: DataSource = { kind: 'relation', relation };
    const view: DataView = { sort: [{ column: 'name' }, { column: 'sco"re', descending: true }] };
    const ids = (rows: readonly (readonly unknown[])[]) => rows.map((r) => Number(r[0]));
    await session.page({ source, view, offset: 0, limit: 50, count: true });
    await session.page({ source, view, offset: 2_000, limit: 10 }); // waits for the row order
    const done: string[] = [];
    const long = session.page({ source, view, offset: 500, limit: 3 * ORDER_READ_ROWS + 7, count: true }).then((p) => (done.push('long'), p));
    const screen = session.page({ source, view, offset: 2_500, limit: 20 }).then((p) => (done.push('screen'), p));
    const [longPage, screenPage] = await Promise.all([long, screen]);
    assert.deepEqual(done, ['screen', 'long'], 'the read asked while the long page was read came between its parts');
    assert.deepEqual(ids(longPage.rows), await expected(path, relation, view, 500, 3 * ORDER_READ_ROWS + 7));
    assert.equal(longPage.offset, 500);
    assert.equal(longPage.totalRows, 3_000);
    assert.match(longPage.sql, new RegExp(`LIMIT ${3 * ORDER_READ_ROWS + 7} OFFSET 500`));
    assert.deepEqual(ids(screenPage.rows), await expected(path, relation, view, 2_500, 20));
    // The view's end inside a part: the page stops there.
    assert.deepEqual(ids((await session.page({ source, view, offset: 2_950, limit: 2 * ORDER_READ_ROWS })).rows), await expected(path, relation, view, 2_950, 50));
    // Alone on the connection, a long page is one query (one turn: asked once).
    let asks = 0;
    const alone = await session.page({ source, view, offset: 1_000, limit: 3 * ORDER_READ_ROWS }, { stillWanted: () => ++asks > 0 });
    assert.equal(asks, 1, 'read in one turn');
    assert.deepEqual(ids(alone.rows), await expected(path, relation, view, 1_000, 3 * ORDER_READ_ROWS));
    // With reads waiting, in parts: one no longer wanted stops between them.
    let turns = 0;
    const stopped = session.page({ source, view, offset: 1_500, limit: 3 * ORDER_READ_ROWS }, { stillWanted: () => ++turns < 2 });
    const waiting = [session.page({ source, view, offset: 100, limit: 5 }), session.page({ source, view, offset: 200, limit: 5 })];
    await assert.rejects(stopped, SkippedRead);
    assert.equal(turns, 2, 'asked at each part, skipped at the second');
    assert.deepEqual((await Promise.all(waiting)).map((p) => p.rows.length), [5, 5]);
  });
});
