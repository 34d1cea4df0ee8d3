import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataReadSession, SkippedRead } from '../../src/core/data/dataReadSession';
import { duckTarget, queryFile, tempDir } from './engineFixtures';

test('a session pages a table by row id, a table with deleted rows and a view by position (shown as LIMIT … OFFSET), with the same rows', async () => {
  const { dir, cleanup } = tempDir('data-session-');
  try {
    const target = duckTarget(dir);
    await queryFile(
      target.path!,
      `CREATE TABLE t AS SELECT i AS id FROM range(10000) r(i);
       CREATE TABLE gaps AS SELECT i AS id FROM range(10000) r(i);
       DELETE FROM gaps WHERE id < 100;
       CREATE VIEW v AS SELECT id * 2 AS twice FROM t;`,
    );
    const session = new DataReadSession(target, { projectRoot: dir }, { idleMs: 60_000, maxHoldMs: 60_000 });
    try {
      const t = await session.page({ source: { kind: 'relation', relation: '"main"."t"' }, view: {}, offset: 5000, limit: 3, count: true });
      assert.deepEqual(t.rows.map((r) => r[0]), [5000, 5001, 5002]);
      assert.equal(t.totalRows, 10000);
      assert.match(t.sql, /WHERE rowid >= 5000 AND rowid < 5003 ORDER BY rowid$/);

      const gaps = await session.page({ source: { kind: 'relation', relation: '"main"."gaps"' }, view: {}, offset: 5000, limit: 3, count: true });
      assert.deepEqual(gaps.rows.map((r) => r[0]), [5100, 5101, 5102], 'positions, not row ids, once rows were deleted');
      assert.match(gaps.sql, /LIMIT 3 OFFSET 5000$/);

      const view = await session.page({ source: { kind: 'relation', relation: '"main"."v"' }, view: {}, offset: 10, limit: 2 });
      assert.deepEqual(view.rows.map((r) => r[0]), [20, 22]);

      const sorted = await session.page({ source: { kind: 'relation', relation: '"main"."t"' }, view: { sort: [{ column: 'id', descending: true }] }, offset: 1, limit: 1 });
      assert.deepEqual(sorted.rows, [[9998]]);
      assert.match(sorted.sql, /ORDER BY "id" DESC NULLS LAST LIMIT 1 OFFSET 1$/);
    } finally {
      await session.close();
    }
  } finally {
    cleanup();
  }
});

test('a session holds the file only while reads come in: closed after the idle time, reopened on the next read', async () => {
  const { dir, cleanup } = tempDir('data-session-');
  try {
    const target = duckTarget(dir);
    await queryFile(target.path!, 'CREATE TABLE t AS SELECT 1 AS x');
    const session = new DataReadSession(target, { projectRoot: dir }, { idleMs: 50, maxHoldMs: 60_000 });
    const read = () => session.page({ source: { kind: 'relation', relation: '"main"."t"' }, view: {}, offset: 0, limit: 1 });
    await read();
    assert.equal(session.isOpen, true);
    for (let i = 0; i < 50 && session.isOpen; i++) await sleep(20);
    assert.equal(session.isOpen, false, 'released when idle');
    // Released means free: a writer can open it now.
    await queryFile(target.path!, 'INSERT INTO t VALUES (2)');
    const again = await session.page({ source: { kind: 'relation', relation: '"main"."t"' }, view: {}, offset: 0, limit: 5, count: true });
    assert.equal(again.totalRows, 2);
    const reading = read();
    await session.close();
    assert.equal(session.isOpen, false);
    assert.equal((await reading).rows.length, 1, 'a read under way when closing finishes first');
    await assert.rejects(read(), /closed/);
  } finally {
    cleanup();
  }
});

test('export writes the view as sorted and filtered, by COPY on the read-only connection, to CSV and Parquet', async () => {
  const { dir, cleanup } = tempDir('data-export-');
  try {
    const target = duckTarget(dir);
    await queryFile(target.path!, `CREATE TABLE t AS SELECT i AS id, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END AS kind, CASE WHEN i = 3 THEN NULL ELSE 'v' || i END AS note FROM range(10) r(i)`);
    const before = statSync(target.path!).mtimeMs;
    const session = new DataReadSession(target, { projectRoot: dir });
    try {
      const view = { sort: [{ column: 'id', descending: true }], filters: [{ column: 'kind', op: '=' as const, value: "odd" }] };
      const csv = await session.export({ kind: 'relation', relation: '"main"."t"' }, view, join(dir, "it's.csv"), 'csv');
      assert.equal(csv.rows, 5);
      assert.equal(readFileSync(join(dir, "it's.csv"), 'utf8'), 'id,kind,note\n9,odd,v9\n7,odd,v7\n5,odd,v5\n3,odd,\n1,odd,v1\n');
      const parquet = await session.export({ kind: 'query', sql: 'select id, note from t' }, { sort: [], filters: [{ column: 'note', op: 'is null' }] }, join(dir, 'out.parquet'), 'parquet');
      assert.equal(parquet.rows, 1);
      await assert.rejects(session.export({ kind: 'query', sql: 'delete from t' }, { sort: [], filters: [] }, join(dir, 'x.csv'), 'csv'), /Only reads run here/);
    } finally {
      await session.close();
    }
    const back = await queryFile(join(dir, 'back.duckdb'), `SELECT id, note FROM '${join(dir, 'out.parquet')}'`);
    assert.deepEqual(back, [{ id: '3', note: null }]);
    assert.equal(statSync(target.path!).mtimeMs, before, 'the database file is not written');
  } finally {
    cleanup();
  }
});

test('a page no longer wanted when its turn comes is skipped, not read; the reads before and after run', async () => {
  const { dir, cleanup } = tempDir('data-skip-');
  try {
    const target = duckTarget(dir);
    await queryFile(target.path!, 'CREATE TABLE t AS SELECT i AS id FROM range(1000) r(i)');
    const session = new DataReadSession(target, { projectRoot: dir });
    try {
      let wanted = true;
      const source = { kind: 'relation' as const, relation: '"main"."t"' };
      const first = session.page({ source, view: {}, offset: 0, limit: 2 });
      const far = session.page({ source, view: {}, offset: 800, limit: 2 }, { stillWanted: () => wanted });
      wanted = false; // the grid scrolled away before the far page's turn
      const near = session.page({ source, view: {}, offset: 2, limit: 2 }, { stillWanted: () => true });
      assert.deepEqual((await first).rows, [[0], [1]]);
      await assert.rejects(far, (err: Error) => err instanceof SkippedRead);
      assert.deepEqual((await near).rows, [[2], [3]]);
    } finally {
      await session.close();
    }
  } finally {
    cleanup();
  }
});

/**
 * A query read by OFFSET (too large to copy: `materializedRows` 0) whose rows
 * deep down cost a scan of millions of rows each: a page there is a read that
 * runs long, the first rows are quick.
 */
async function slowDeepPages(dir: string) {
  const target = duckTarget(dir);
  await queryFile(target.path!, 'CREATE TABLE t AS SELECT 1 AS x');
  const session = new DataReadSession(target, { projectRoot: dir }, { idleMs: 60_000, maxHoldMs: 60_000 }, 0);
  const source = { kind: 'query' as const, sql: "SELECT i FROM range(10000000) r(i) WHERE md5(i::VARCHAR) < 'f'" };
  // The first read opens the file and finds the query too large to copy (a count), before the reads whose order is checked.
  await session.page({ source, view: {}, offset: 0, limit: 1 });
  return { session, source };
}

test('the rows on screen asked while a page is read interrupt that read and come first; the page, no longer wanted, is then skipped', async () => {
  const { dir, cleanup } = tempDir('data-screen-first-');
  try {
    const { session, source } = await slowDeepPages(dir);
    try {
      const done: string[] = [];
      let wanted = true;
      const deep = session.page({ source, view: {}, offset: 9_000_000, limit: 200 }, { stillWanted: () => wanted }).then(
        () => done.push('deep page read'),
        (err: Error) => done.push(err instanceof SkippedRead ? 'deep page skipped' : `deep page failed: ${err.message}`),
      );
      await sleep(200); // the deep page's query is running (or about to: then it yields before starting)
      const screen = await session.page({ source, view: {}, offset: 3, limit: 2 }, { screen: true });
      done.push('screen');
      wanted = false; // the grid has moved on: the page interrupted for the screen is not read again
      await deep;
      assert.deepEqual(done, ['screen', 'deep page skipped']);
      assert.equal(screen.rows.length, 2);
      // The connection the interrupted query ran on reads on.
      assert.equal((await session.page({ source, view: {}, offset: 10, limit: 3 })).rows.length, 3);
    } finally {
      await session.close();
    }
  } finally {
    cleanup();
  }
});

test('a page interrupted for the rows on screen, still wanted, is read again after them and answered whole', async () => {
  const { dir, cleanup } = tempDir('data-screen-again-');
  try {
    const { session, source } = await slowDeepPages(dir);
    try {
      const done: string[] = [];
      const deep = session.page({ source, view: {}, offset: 6_000_000, limit: 4 }, { stillWanted: () => true }).then((page) => {
        done.push('deep page');
        return page;
      });
      await sleep(200);
      await session.page({ source, view: {}, offset: 3, limit: 2 }, { screen: true });
      done.push('screen');
      const page = await deep;
      assert.deepEqual(done, ['screen', 'deep page']);
      assert.equal(page.offset, 6_000_000);
      assert.equal(page.rows.length, 4);
      const [[first]] = page.rows as number[][];
      assert.ok(first! >= 6_000_000, `row 6,000,000 of the query is i ≥ 6,000,000, not ${first}`);
    } finally {
      await session.close();
    }
  } finally {
    cleanup();
  }
});
