import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CheckDefinition } from '../../src/core/asset';
import { combineChecks, compileCheck, parseSamples } from '../../src/core/engine/checkQueries';
import { checkFailureMessage } from '../../src/core/editorModel/checkResultProblems';
import { durationText } from '../../src/core/editorModel/freshnessText';

function check(type: CheckDefinition['type'], config: Record<string, unknown>): CheckDefinition {
  return { name: `${type}_check`, type, severity: 'error', blocking: true, location: { file: '/a.sql', line: 5, column: 3 }, config };
}

async function withDb(fn: (run: (c: CheckDefinition) => Promise<{ failing: number; samples: unknown }>) => Promise<void>): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`
      create table t as select * from (values
        (1, 'a', 10, timestamp '2020-01-01'), (2, 'b', 20, now()::timestamp), (2, null, 30, now()::timestamp), (4, 'z', 99, now()::timestamp)
      ) v(id, code, ref, ts);
      create table p as select * from (values (10), (20), (30)) v(id)`);
    await fn(async (c) => {
      const compiled = compileCheck(c, { relation: '"t"', relationOf: (x) => `"${x}"`, templates: { this: '"t"' } });
      assert.ok(compiled.ok, compiled.ok ? '' : compiled.error);
      const row = (await conn.runAndReadAll(compiled.sql)).getRowObjectsJson()[0]!;
      return { failing: Number(row['failing_rows']), samples: parseSamples(row['samples']) };
    });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

test('each built-in check counts its failing rows and returns up to 5 samples', async () => {
  await withDb(async (run) => {
    const nulls = await run(check('not_null', { column: 'code' }));
    assert.equal(nulls.failing, 1);
    assert.deepEqual((nulls.samples as Record<string, unknown>[]).map((r) => [r['id'], r['code'], r['ref']]), [[2, null, 30]]);
    assert.equal((await run(check('not_null', { columns: ['id', 'ref'] }))).failing, 0);
    const dup = await run(check('unique', { columns: ['id'] }));
    assert.deepEqual(dup, { failing: 1, samples: [{ id: 2, duplicates: 2 }] });
    assert.equal((await run(check('unique', { columns: ['id', 'code'] }))).failing, 0);
    assert.equal((await run(check('accepted_values', { column: 'code', values: ['a', 'b'] }))).failing, 1);
    assert.equal((await run(check('accepted_values', { column: 'id', values: [1, 2, 4] }))).failing, 0);
    assert.equal((await run(check('accepted_values', { column: 'id', values: [1, '2'] }))).failing, 1);
    assert.equal((await run(check('relationships', { column: 'ref', to: 'p', field: 'id' }))).failing, 1);
    assert.deepEqual((await run(check('row_count', { min: 5 }))).samples, [{ row_count: 4 }]);
    assert.equal((await run(check('row_count', { min: 1, max: 4 }))).failing, 0);
    assert.equal((await run(check('row_count', { max: 3 }))).failing, 1);
    assert.equal((await run(check('freshness', { column: 'ts', max_age: '1 day' }))).failing, 0);
    assert.equal((await run(check('sql', { sql: 'select * from {{ this }} where ref > 15;' }))).failing, 3);
    const many = await run(check('sql', { sql: 'select range from range(9)' }));
    assert.equal(many.failing, 9);
    assert.equal((many.samples as unknown[]).length, 5);
  });
});

test('freshness fails on old or missing data', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run("create table old as select timestamp '2020-01-01' as at; create table none as select now() as at where false");
    for (const [rel, expected] of [['"old"', 1], ['"none"', 1]] as const) {
      const c = compileCheck(check('freshness', { column: 'at', max_age: '2 days' }), { relation: rel, relationOf: (x) => x, templates: {} });
      assert.ok(c.ok);
      const row = (await conn.runAndReadAll(c.sql)).getRowObjectsJson()[0]!;
      assert.equal(Number(row['failing_rows']), expected);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
});

test('a check with missing arguments is an error, not a query', () => {
  const ctx = { relation: '"t"', relationOf: (x: string) => x, templates: {} };
  for (const [type, config] of [
    ['not_null', {}],
    ['accepted_values', { column: 'x' }],
    ['relationships', { column: 'x' }],
    ['row_count', {}],
    ['freshness', { column: 'x' }],
    ['sql', {}],
  ] as const) {
    const c = compileCheck(check(type, config), ctx);
    assert.equal(c.ok, false, type);
    assert.match((c as { error: string }).error, new RegExp(`check '${type}_check' \\(${type}\\) needs`));
  }
  assert.equal(compileCheck(check('dbt', {}), ctx).ok, false);
});

test('all checks of an asset combine into one query with one row per check', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run("create table t as select range as id, case when range < 2 then null else 'x' end as s from range(6)");
    const ctx = { relation: '"t"', relationOf: (x: string) => x, templates: { this: '"t"' } };
    const sqls = [check('not_null', { column: 's' }), check('row_count', { max: 3 }), check('unique', { columns: ['id'] })].map((c) => {
      const q = compileCheck(c, ctx);
      assert.ok(q.ok);
      return q.sql;
    });
    const rows = (await conn.runAndReadAll(combineChecks(sqls))).getRowObjectsJson();
    const byCheck = rows.map((r) => [Number(r['__check']), Number(r['failing_rows']), parseSamples(r['samples']).length]).sort((a, b) => a[0]! - b[0]!);
    assert.deepEqual(byCheck, [[0, 2, 2], [1, 1, 1], [2, 0, 0]]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
});

test('a failing freshness check says how old the newest value is against the limit, not "1 failing row"', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(
      "create table stale as select CAST(now() AS TIMESTAMP) - INTERVAL 3 DAY - INTERVAL 4 HOUR as at; create table empty as select now() as at where false",
    );
    const messageFor = async (rel: string): Promise<string> => {
      const c = compileCheck(check('freshness', { column: 'at', max_age: '2 days' }), { relation: rel, relationOf: (x) => x, templates: {} });
      assert.ok(c.ok);
      const row = (await conn.runAndReadAll(c.sql)).getRowObjectsJson()[0]!;
      const result = { name: 'freshness_at', passed: false, severity: 'warn' as const, failingRows: Number(row['failing_rows']), sampleRows: parseSamples(row['samples']) };
      return checkFailureMessage('analytics/daily', result, 'dev');
    };
    const stale = await messageFor('"stale"');
    assert.match(stale, /freshness_at of analytics\/daily .*: newest data is 3 days 4 hours old \(.+\), limit 2 days$/);
    assert.doesNotMatch(stale, /failing row/);
    assert.match(await messageFor('"empty"'), /no data: the column is empty or all NULL \(limit 2 days\)/);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
});

test('durations read in two units at most', () => {
  assert.equal(durationText(0), '0 seconds');
  assert.equal(durationText(59), '59 seconds');
  assert.equal(durationText(3_600), '1 hour');
  assert.equal(durationText(3 * 86_400 + 4 * 3_600 + 125), '3 days 4 hours');
  assert.equal(durationText(86_400 + 61), '1 day');
  assert.equal(durationText(2 * 3_600 + 20 * 60), '2 hours 20 minutes');
});
