import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RelationDiffError, openDiffSession } from '../../src/core/diff/relationDiff';
import { TargetConnectionError } from '../../src/core/engine/targetConnection';
import { duckTarget, execFile, tempDir } from './engineFixtures';

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

// A schema and columns with quotes and spaces: every name must be quoted.
const HOSTILE_SCHEMA = 'sch "ema';
const REL = { schema: HOSTILE_SCHEMA, name: 'or"ders x' };

async function twoTargets(dir: string) {
  const dev = duckTarget(dir, { name: 'dev', path: join(dir, 'dev.duckdb') });
  const prod = duckTarget(dir, { name: 'prod', path: join(dir, 'prod.duckdb'), protected: true });
  const create = `CREATE SCHEMA "sch ""ema"; CREATE TABLE "sch ""ema"."or""ders x" AS`;
  // prod: ids 1..6 and a NULL id; dev: 2 changed in "amo""unt", 3 changed in status and amount, 6 gone, 7 new,
  // a column added (note) and one retyped (qty INTEGER → VARCHAR, same text for all but id 4).
  await execFile(
    prod.path!,
    `${create} SELECT * FROM (VALUES
      (1, 10.0, 'open', 1, 'gone'), (2, 20.0, 'open', 2, 'gone'), (3, 30.0, 'open', 3, 'gone'),
      (4, 40.0, 'done', 4, 'gone'), (5, 50.0, NULL, 5, 'gone'), (6, 60.0, 'open', 6, 'gone'), (NULL, 0.0, 'nokey', 7, 'gone')
    ) AS v("id", "amo""unt", "status", "qty", "legacy")`,
  );
  await execFile(
    dev.path!,
    `${create} SELECT * FROM (VALUES
      (1, 10.0, 'open', '1', 'n'), (2, 21.5, 'open', '2', 'n'), (3, 33.0, 'shipped', '3', 'n'),
      (4, 40.0, 'done', '04', 'n'), (5, 50.0, NULL, '5', 'n'), (7, 70.0, 'open', '7', 'n'), (NULL, 0.0, 'nokey', '7', 'n')
    ) AS v("id", "amo""unt", "status", "qty", "note")`,
  );
  return { dev, prod };
}

test('keyed diff: schema changes, row counts, rows only on one side, changed rows per column, samples old → new; hostile names and a NULL key', async () => {
  const { dir, cleanup } = tempDir('diff-');
  try {
    const { dev, prod } = await twoTargets(dir);
    const before = [digest(dev.path!), digest(prod.path!)];
    const session = await openDiffSession(dev, prod, { projectRoot: dir });
    let diff;
    try {
      diff = await session.diff(REL, REL, { key: ['id'] });
    } finally {
      session.close();
    }
    assert.equal(diff.from, 'dev');
    assert.equal(diff.to, 'prod');
    assert.equal(diff.relation, `${HOSTILE_SCHEMA}.or"ders x`);
    assert.deepEqual(diff.key, ['id']);
    // Read as a promotion of dev onto prod: prod would gain `note` and lose `legacy`.
    assert.deepEqual(diff.schema.added, [{ name: 'note', type: 'VARCHAR' }]);
    assert.deepEqual(diff.schema.removed, [{ name: 'legacy', type: 'VARCHAR' }]);
    assert.deepEqual(diff.schema.retyped, [{ name: 'qty', from: 'VARCHAR', to: 'INTEGER' }]);
    assert.deepEqual(diff.rows, { from: 7, to: 7, onlyInFrom: 1, onlyInTo: 1, changed: 3 });
    assert.deepEqual(diff.changedColumns, { 'amo"unt': 2, status: 1, qty: 1 });
    const changed = diff.samples.filter((s) => s.change === 'changed');
    assert.deepEqual(
      changed.map((s) => [s.key, s.from, s.to]),
      [
        [{ id: 2 }, { 'amo"unt': '21.5' }, { 'amo"unt': '20.0' }],
        [{ id: 3 }, { 'amo"unt': '33.0', status: 'shipped' }, { 'amo"unt': '30.0', status: 'open' }],
        [{ id: 4 }, { qty: '04' }, { qty: 4 }],
      ],
    );
    const onlyFrom = diff.samples.find((s) => s.change === 'only_in_from')!;
    assert.deepEqual(onlyFrom.key, { id: 7 });
    assert.equal(onlyFrom.from!['note'], 'n');
    assert.deepEqual(diff.samples.find((s) => s.change === 'only_in_to')!.key, { id: 6 });
    assert.deepEqual([digest(dev.path!), digest(prod.path!)], before, 'a compare writes nothing to either database');
  } finally {
    cleanup();
  }
});

test('samples stop at the limit; the counts do not', async () => {
  const { dir, cleanup } = tempDir('diff-');
  try {
    const dev = duckTarget(dir, { name: 'dev', path: join(dir, 'dev.duckdb') });
    const prod = duckTarget(dir, { name: 'prod', path: join(dir, 'prod.duckdb') });
    await execFile(prod.path!, 'CREATE TABLE t AS SELECT range AS id, range AS v FROM range(1000)');
    await execFile(dev.path!, 'CREATE TABLE t AS SELECT range AS id, CASE WHEN range % 10 = 0 THEN -1 ELSE range END AS v FROM range(1000)');
    const session = await openDiffSession(dev, prod, { projectRoot: dir });
    try {
      const diff = await session.diff({ schema: 'main', name: 't' }, { schema: 'main', name: 't' }, { key: ['id'] });
      assert.equal(diff.rows.changed, 100);
      assert.deepEqual(diff.changedColumns, { v: 100 });
      assert.equal(diff.samples.length, 20);
      // BIGINTs come as text: JSON numbers cannot hold every BIGINT.
      assert.deepEqual(diff.samples[1], { change: 'changed', key: { id: '10' }, from: { v: '-1' }, to: { v: '10' } });
      const none = await session.diff({ schema: 'main', name: 't' }, { schema: 'main', name: 't' }, { key: ['id'], sampleLimit: 0 });
      assert.equal(none.samples.length, 0);
      assert.equal(none.rows.changed, 100);
    } finally {
      session.close();
    }
  } finally {
    cleanup();
  }
});

test('keyless diff: EXCEPT ALL both ways over the common columns, duplicates counted as rows', async () => {
  const { dir, cleanup } = tempDir('diff-');
  try {
    const dev = duckTarget(dir, { name: 'dev', path: join(dir, 'dev.duckdb') });
    const prod = duckTarget(dir, { name: 'prod', path: join(dir, 'prod.duckdb') });
    await execFile(prod.path!, `CREATE TABLE t AS SELECT * FROM (VALUES ('a', 1), ('a', 1), ('b', 2), (NULL, NULL)) AS v(k, n)`);
    await execFile(dev.path!, `CREATE TABLE t AS SELECT * FROM (VALUES ('a', 1), ('b', 2), ('b', 2), ('c', 3), (NULL, NULL)) AS v(k, n)`);
    const session = await openDiffSession(dev, prod, { projectRoot: dir });
    try {
      const diff = await session.diff({ schema: 'main', name: 't' }, { schema: 'main', name: 't' });
      assert.deepEqual(diff.key, []);
      assert.deepEqual(diff.rows, { from: 5, to: 4, onlyInFrom: 2, onlyInTo: 1, changed: null });
      assert.deepEqual(diff.changedColumns, {});
      assert.deepEqual(
        diff.samples.map((s) => [s.change, s.from ?? s.to]),
        [
          ['only_in_from', { k: 'b', n: 2 }],
          ['only_in_from', { k: 'c', n: 3 }],
          ['only_in_to', { k: 'a', n: 1 }],
        ],
      );
    } finally {
      session.close();
    }
  } finally {
    cleanup();
  }
});

test('a key that repeats is refused with how many repeat where; a key column one side lacks is named', async () => {
  const { dir, cleanup } = tempDir('diff-');
  try {
    const dev = duckTarget(dir, { name: 'dev', path: join(dir, 'dev.duckdb') });
    const prod = duckTarget(dir, { name: 'prod', path: join(dir, 'prod.duckdb') });
    await execFile(prod.path!, `CREATE TABLE t AS SELECT * FROM (VALUES (1, 'x'), (2, 'y')) AS v(id, s); CREATE TABLE u AS SELECT 1 AS id`);
    await execFile(dev.path!, `CREATE TABLE t AS SELECT * FROM (VALUES (1, 'x'), (1, 'z'), (NULL, 'a'), (NULL, 'b')) AS v(id, s); CREATE TABLE u AS SELECT * FROM (VALUES (1), (3), (3)) AS v(id)`);
    const session = await openDiffSession(dev, prod, { projectRoot: dir });
    const rel = { schema: 'main', name: 't' };
    try {
      await assert.rejects(session.diff(rel, rel, { key: ['id'] }), (err: unknown) => {
        assert.ok(err instanceof RelationDiffError);
        assert.equal(err.reason, 'duplicate-keys');
        assert.equal(err.side, 'from');
        assert.match(err.message, /Key \(id\) is not unique in main\.t: 2 in 'dev' key values repeat/);
        return true;
      });
      await assert.rejects(session.diff(rel, rel, { key: ['nope'] }), /Key column 'nope' is not in main\.t on target 'dev'/);
      // A key repeated only where the other side lacks it pairs nothing: its rows are counted, not refused.
      const lonely = await session.diff({ schema: 'main', name: 'u' }, { schema: 'main', name: 'u' }, { key: ['id'] });
      assert.deepEqual(lonely.rows, { from: 3, to: 1, onlyInFrom: 2, onlyInTo: 0, changed: 0 });
    } finally {
      session.close();
    }
  } finally {
    cleanup();
  }
});

test('a relation missing on one side names the side and the target; a missing database file names the target', async () => {
  const { dir, cleanup } = tempDir('diff-');
  try {
    const dev = duckTarget(dir, { name: 'dev', path: join(dir, 'dev.duckdb') });
    const prod = duckTarget(dir, { name: 'prod', path: join(dir, 'prod.duckdb') });
    await execFile(prod.path!, 'CREATE TABLE only_prod AS SELECT 1 AS id');
    await execFile(dev.path!, 'CREATE TABLE only_dev AS SELECT 1 AS id');
    const session = await openDiffSession(dev, prod, { projectRoot: dir });
    try {
      await assert.rejects(session.diff({ schema: 'main', name: 'only_dev' }, { schema: 'main', name: 'only_dev' }), (err: unknown) => {
        assert.ok(err instanceof RelationDiffError);
        assert.equal(err.side, 'to');
        assert.match(err.message, /main\.only_dev is not in target 'prod' \(the to side\)/);
        return true;
      });
      await assert.rejects(session.diff({ schema: 'main', name: 'only_prod' }, { schema: 'main', name: 'only_prod' }), /main\.only_prod is not in target 'dev' \(the from side\)/);
    } finally {
      session.close();
    }
    const ghost = duckTarget(dir, { name: 'staging', path: join(dir, 'nothing-here.duckdb') });
    await assert.rejects(openDiffSession(dev, ghost, { projectRoot: dir }), /Target 'staging': .*nothing-here\.duckdb does not exist yet/);
    await assert.rejects(openDiffSession(dev, dev, { projectRoot: dir }), /two different targets/);
  } finally {
    cleanup();
  }
});

test('a view on each side is compared through its own database', async () => {
  const { dir, cleanup } = tempDir('diff-');
  try {
    const dev = duckTarget(dir, { name: 'dev', path: join(dir, 'dev.duckdb') });
    const prod = duckTarget(dir, { name: 'prod', path: join(dir, 'prod.duckdb') });
    await execFile(prod.path!, 'CREATE TABLE base AS SELECT range AS id FROM range(10); CREATE VIEW v AS SELECT id, id * 2 AS d FROM base');
    await execFile(dev.path!, 'CREATE TABLE base AS SELECT range AS id FROM range(12); CREATE VIEW v AS SELECT id, id * 3 AS d FROM base');
    const session = await openDiffSession(dev, prod, { projectRoot: dir });
    try {
      const diff = await session.diff({ schema: 'main', name: 'v' }, { schema: 'main', name: 'v' }, { key: ['id'] });
      assert.deepEqual(diff.rows, { from: 12, to: 10, onlyInFrom: 2, onlyInTo: 0, changed: 9 });
    } finally {
      session.close();
    }
  } finally {
    cleanup();
  }
});

test('a target held for writing by another process (a running materialization) is named, and nothing is written', async () => {
  const { dir, cleanup } = tempDir('diff-');
  const dev = duckTarget(dir, { name: 'dev', path: join(dir, 'dev.duckdb') });
  const prod = duckTarget(dir, { name: 'prod', path: join(dir, 'prod.duckdb') });
  await execFile(prod.path!, 'CREATE TABLE t AS SELECT 1 AS id');
  await execFile(dev.path!, 'CREATE TABLE t AS SELECT 1 AS id');
  const duckdbModule = createRequire(import.meta.url).resolve('@duckdb/node-api');
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const { DuckDBInstance } = require(${JSON.stringify(duckdbModule)});
       (async () => { const i = await DuckDBInstance.create(${JSON.stringify(dev.path)}); await (await i.connect()).run('create table busy(x int)'); process.stdout.write('ready\\n'); setInterval(() => {}, 1000); })();`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    const before = digest(prod.path!);
    await assert.rejects(openDiffSession(dev, prod, { projectRoot: dir }), (e: unknown) => {
      assert.ok(e instanceof TargetConnectionError);
      assert.equal(e.reason, 'locked');
      assert.equal(e.target, 'dev');
      assert.match(e.message, new RegExp(`Target 'dev': .*dev\\.duckdb is being written by another process \\(pid ${holder.pid}\\)`));
      return true;
    });
    assert.equal(digest(prod.path!), before);
  } finally {
    holder.kill();
    cleanup();
  }
});
