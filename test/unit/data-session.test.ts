import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataReadSession } from '../../src/core/data/dataReadSession';
import { duckTarget, queryFile, tempDir } from './engineFixtures';

test('a session pages a table by row id, a table with deleted rows and a view by offset, with the same rows', async () => {
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
      session.close();
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
    session.close();
    assert.equal(session.isOpen, false);
    await assert.rejects(read(), /closed/);
  } finally {
    cleanup();
  }
});
