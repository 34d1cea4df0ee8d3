import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readPage, DataReadError } from '../../src/core/data/dataReader';
import { readProfile } from '../../src/core/data/dataProfile';
import { pageSql, countSql, displaySql } from '../../src/core/data/dataView';
import type { DataSource } from '../../src/core/data/dataView';
import { duckTarget, queryFile, tempDir } from './engineFixtures';

const HOSTILE_COL = 'we"ird col; --';
const HOSTILE_VALUE = `x'); DROP TABLE "s"."t"; --`;

/** A real DuckDB file: 1,000 rows with a hostile column name, NULL and '' apart, nested and big values. */
async function fixture(dir: string) {
  const target = duckTarget(dir);
  await queryFile(
    target.path!,
    `CREATE SCHEMA s;
     CREATE TABLE s.t AS SELECT i AS id,
       CASE WHEN i % 10 = 0 THEN NULL WHEN i % 10 = 1 THEN '' WHEN i = 7 THEN '${HOSTILE_VALUE.replace(/'/g, "''")}' ELSE 'name ' || i END AS "${HOSTILE_COL.replace(/"/g, '""')}",
       (i % 7)::INTEGER AS bucket,
       DATE '2024-01-01' + i::INTEGER AS day,
       {'a': i, 'tags': ['x', NULL]} AS rec,
       MAP {'k': i} AS m,
       ('{"n": ' || i || ', "list": [1, 2]}')::JSON AS doc,
       (9007199254740993 + i)::BIGINT AS big,
       (i / 4)::DECIMAL(10, 2) AS price
     FROM range(1000) r(i);`,
  );
  return target;
}

const source: DataSource = { kind: 'relation', relation: '"s"."t"' };

test('a page: offset and limit in table order, the column types, the view counted', async () => {
  const { dir, cleanup } = tempDir('data-');
  try {
    const target = await fixture(dir);
    const page = await readPage(target, { projectRoot: dir }, { source, view: {}, offset: 500, limit: 3, count: true });
    assert.deepEqual(page.rows.map((r) => r[0]), [500, 501, 502]);
    assert.equal(page.totalRows, 1000);
    assert.deepEqual(
      page.columns.map((c) => [c.name, c.type, c.kind]),
      [
        ['id', 'BIGINT', 'number'],
        [HOSTILE_COL, 'VARCHAR', 'text'],
        ['bucket', 'INTEGER', 'number'],
        ['day', 'DATE', 'temporal'],
        ['rec', 'STRUCT(a BIGINT, tags VARCHAR[])', 'nested'],
        ['m', 'MAP(VARCHAR, BIGINT)', 'nested'],
        ['doc', 'JSON', 'json'],
        ['big', 'BIGINT', 'number'],
        ['price', 'DECIMAL(10,2)', 'number'],
      ],
    );
    const past = await readPage(target, { projectRoot: dir }, { source, view: {}, offset: 999, limit: 50 });
    assert.deepEqual(past.rows.map((r) => r[0]), [999]);
    assert.equal(past.totalRows, undefined, 'counted only when asked');
  } finally {
    cleanup();
  }
});

test('values: NULL is not empty text, nested values stay nested, JSON parsed, big numbers exact', async () => {
  const { dir, cleanup } = tempDir('data-');
  try {
    const target = await fixture(dir);
    const page = await readPage(target, { projectRoot: dir }, { source, view: {}, offset: 10, limit: 2 });
    const col = (name: string) => page.columns.findIndex((c) => c.name === name);
    const [ten, eleven] = page.rows;
    assert.equal(ten![col(HOSTILE_COL)], null);
    assert.equal(eleven![col(HOSTILE_COL)], '');
    assert.deepEqual(ten![col('rec')], { a: 10, tags: ['x', null] });
    assert.deepEqual(ten![col('m')], [{ key: 'k', value: 10 }]);
    assert.deepEqual(ten![col('doc')], { n: 10, list: [1, 2] });
    assert.equal(ten![col('big')], '9007199254741003', 'beyond 2^53, kept exact as text');
    assert.equal(ten![col('price')], '2.50');
    assert.equal(ten![col('day')], '2024-01-11');
    assert.doesNotThrow(() => JSON.stringify(page.rows));
  } finally {
    cleanup();
  }
});

test('sort and filters run in DuckDB: hostile names quoted, values bound, the SQL shown runs as shown', async () => {
  const { dir, cleanup } = tempDir('data-');
  try {
    const target = await fixture(dir);
    const opts = { projectRoot: dir };
    const sorted = await readPage(target, opts, { source, view: { sort: [{ column: HOSTILE_COL, descending: true }] }, offset: 0, limit: 1000, count: true });
    const names = sorted.rows.map((r) => r[1]);
    assert.equal(names[0], HOSTILE_VALUE, "'x…' sorts last descending: first");
    assert.equal(names.indexOf(null), 1000 - 100, 'NULLs last');
    assert.equal(sorted.totalRows, 1000);

    const hostile = await readPage(target, opts, { source, view: { filters: [{ column: HOSTILE_COL, op: '=', value: HOSTILE_VALUE }] }, offset: 0, limit: 10, count: true });
    assert.deepEqual(hostile.rows.map((r) => r[0]), [7]);
    assert.equal(hostile.totalRows, 1);
    assert.equal(Number((await queryFile(target.path!, 'SELECT count(*) AS n FROM s.t'))[0]!['n']), 1000, 'the table is still there');

    const numeric = await readPage(target, opts, {
      source,
      view: { filters: [{ column: 'bucket', op: '=', value: '3' }, { column: 'id', op: '<', value: '30' }], sort: [{ column: 'id', descending: true }] },
      offset: 0,
      limit: 10,
      count: true,
    });
    assert.deepEqual(numeric.rows.map((r) => r[0]), [24, 17, 10, 3]);
    assert.equal(numeric.totalRows, 4);
    const again = await queryFile(target.path!, numeric.sql);
    assert.deepEqual(again.map((r) => Number(r['id'])), [24, 17, 10, 3], `the SQL shown runs: ${numeric.sql}`);

    const nulls = await readPage(target, opts, { source, view: { filters: [{ column: HOSTILE_COL, op: 'is null' }] }, offset: 0, limit: 1, count: true });
    assert.equal(nulls.totalRows, 100);
    const contains = await readPage(target, opts, { source, view: { filters: [{ column: 'rec', op: 'contains', value: "{'A': 99," }] }, offset: 0, limit: 5 });
    assert.deepEqual(contains.rows.map((r) => r[0]), [99]);

    await assert.rejects(
      readPage(target, opts, { source, view: { filters: [{ column: 'bucket', op: '=', value: 'three' }] }, offset: 0, limit: 1 }),
      (err: Error) => err instanceof DataReadError && /three/.test(err.message),
    );
  } finally {
    cleanup();
  }
});

test('the SQL built: identifiers quoted, values only as parameters, paging checked', () => {
  const bound = pageSql({ kind: 'relation', relation: '"s"."t"' }, { sort: [{ column: 'a"b' }], filters: [{ column: 'c', op: '!=', value: "it's" }] }, 20, 10);
  assert.equal(bound.sql, 'SELECT * FROM "s"."t" WHERE "c" <> $1 ORDER BY "a""b" ASC NULLS LAST LIMIT 10 OFFSET 20');
  assert.deepEqual(bound.params, ["it's"]);
  assert.equal(displaySql(bound), `SELECT * FROM "s"."t" WHERE "c" <> 'it''s' ORDER BY "a""b" ASC NULLS LAST LIMIT 10 OFFSET 20`);
  assert.equal(countSql({ kind: 'query', sql: 'select 1 -- note;\n;' }, {}).sql, 'SELECT count(*) AS "rows" FROM (\nselect 1 -- note\n) AS "query"');
  assert.throws(() => pageSql({ kind: 'relation', relation: 't' }, {}, -1, 10), /offset/);
  assert.throws(() => pageSql({ kind: 'relation', relation: 't' }, {}, 0, 1.5), /page size/);
});

test('queries: a read runs paged; a statement that would write is refused before anything runs', async () => {
  const { dir, cleanup } = tempDir('data-');
  try {
    const target = await fixture(dir);
    const opts = { projectRoot: dir };
    const before = statSync(target.path!).mtimeMs;
    const q = await readPage(target, opts, { source: { kind: 'query', sql: 'select bucket, count(*) as n from s.t group by all order by bucket;' }, view: { sort: [{ column: 'n' }] }, offset: 0, limit: 3, count: true });
    assert.deepEqual(q.columns.map((c) => c.name), ['bucket', 'n']);
    assert.equal(q.totalRows, 7);
    assert.deepEqual(q.rows.map((r) => r[1]), [142, 143, 143], 'sorted by n ascending: 1000 = 6 × 143 + 142');
    const copyTo = join(dir, 'out.csv');
    for (const [sql, reason] of [
      ['create table s.u as select 1', /CREATE/],
      [`copy s.t to '${copyTo}'`, /COPY/],
      ["attach 'other.duckdb' as o", /ATTACH/],
      ['select 1; select 2', /2 statements/],
      ['', /empty/],
    ] as const) {
      await assert.rejects(
        readPage(target, opts, { source: { kind: 'query', sql }, view: {}, offset: 0, limit: 1 }),
        (err: Error) => err instanceof DataReadError && reason.test(err.message),
        sql,
      );
    }
    assert.equal(existsSync(copyTo), false);
    assert.equal(statSync(target.path!).mtimeMs, before, 'reads never write the file');
  } finally {
    cleanup();
  }
});

test('a relation not built yet, and a target whose file does not exist, say so', async () => {
  const { dir, cleanup } = tempDir('data-');
  try {
    const target = await fixture(dir);
    await assert.rejects(
      readPage(target, { projectRoot: dir }, { source: { kind: 'relation', relation: '"s"."missing"' }, view: {}, offset: 0, limit: 1 }),
      (err: Error) => err instanceof DataReadError && err.reason === 'missing-relation' && /"s"."missing" does not exist on this target yet: materialize it first/.test(err.message),
    );
    const absent = duckTarget(join(dir, 'nowhere'));
    await assert.rejects(readPage(absent, { projectRoot: dir }, { source, view: {}, offset: 0, limit: 1 }), /does not exist yet/);
    assert.equal(existsSync(absent.path!), false, 'reading never creates the file');
  } finally {
    cleanup();
  }
});

test('profile: SUMMARIZE of the filtered view, histograms for numbers and dates whose bins hold every value', async () => {
  const { dir, cleanup } = tempDir('data-');
  try {
    const target = await fixture(dir);
    const profile = await readProfile(target, { projectRoot: dir }, source, { filters: [{ column: 'id', op: '<', value: '500' }] });
    const by = new Map(profile.columns.map((c) => [c.name, c]));
    const id = by.get('id')!;
    assert.equal(id.min, '0');
    assert.equal(id.max, '499');
    assert.equal(id.count, 500);
    assert.equal(by.get(HOSTILE_COL)!.nullPercent, 10);
    assert.equal(by.get(HOSTILE_COL)!.histogram, undefined, 'text has no histogram');
    for (const name of ['id', 'bucket', 'day', 'price']) {
      const bins = by.get(name)!.histogram!;
      assert.ok(bins.length > 1 && bins.length <= 30, `${name}: ${bins.length} bins`);
      assert.equal(bins.reduce((s, b) => s + b.count, 0), 500, `${name}: every row in a bin`);
    }
    assert.match(profile.sql[0]!, /^SUMMARIZE SELECT \* FROM "s"\."t" WHERE "id" < '500'$/);
  } finally {
    cleanup();
  }
});

test('profile of a view larger than the sample size: a system sample, said so, with the whole view counted', async () => {
  const { dir, cleanup } = tempDir('data-');
  try {
    const target = duckTarget(dir);
    await queryFile(target.path!, 'CREATE TABLE big AS SELECT i AS id, i % 10 AS d FROM range(300000) r(i)');
    const profile = await readProfile(target, { projectRoot: dir }, { kind: 'relation', relation: '"main"."big"' }, {}, 100_000);
    assert.deepEqual(profile.sample, { percent: 33.34, totalRows: 300_000 });
    const id = profile.columns.find((c) => c.name === 'id')!;
    assert.ok(id.count > 0 && id.count < 300_000, `sampled rows: ${id.count}`);
    const binned = id.histogram!.reduce((s, b) => s + b.count, 0);
    assert.ok(id.histogram!.length > 1 && binned > 0 && binned < 300_000, `the histogram is of a sample too: ${binned}`);
    assert.match(profile.sql[0]!, /USING SAMPLE 33\.34% \(system\)/);
    const whole = await readProfile(target, { projectRoot: dir }, { kind: 'relation', relation: '"main"."big"' }, {});
    assert.equal(whole.sample, undefined);
    assert.equal(whole.columns[0]!.count, 300_000);
  } finally {
    cleanup();
  }
});

test('JSON at any depth: inside a STRUCT, LIST or MAP parsed and typed JSON; a JSON null, string or number stays JSON text, apart from SQL NULL', async () => {
  const { dir, cleanup } = tempDir('data-json-');
  try {
    const target = duckTarget(dir);
    await queryFile(
      target.path!,
      `CREATE TABLE j AS SELECT * FROM (VALUES
         (1, {'post': '{"text": "hi", "tags": ["a"]}'::JSON, 'n': 1}, ['{"x": 1}'::JSON, 'null'::JSON, NULL], MAP {'k': '[1, 2]'::JSON}, 'null'::JSON),
         (2, {'post': NULL::JSON, 'n': 2}, [], MAP {'k': '"text"'::JSON}, NULL::JSON),
         (3, {'post': '42'::JSON, 'n': 3}, NULL, NULL, '"null"'::JSON)
       ) v(id, rec, docs, m, doc)`,
    );
    const page = await readPage(target, { projectRoot: dir }, { source: { kind: 'relation', relation: '"main"."j"' }, view: { sort: [{ column: 'id' }] }, offset: 0, limit: 10 });
    assert.deepEqual(
      page.columns.map((c) => [c.name, c.type, c.kind]),
      [
        ['id', 'INTEGER', 'number'],
        ['rec', 'STRUCT(post JSON, n INTEGER)', 'nested'],
        ['docs', 'JSON[]', 'nested'],
        ['m', 'MAP(VARCHAR, JSON)', 'nested'],
        ['doc', 'JSON', 'json'],
      ],
    );
    const [one, two, three] = page.rows;
    assert.deepEqual(one, [1, { post: { text: 'hi', tags: ['a'] }, n: 1 }, [{ x: 1 }, 'null', null], [{ key: 'k', value: [1, 2] }], 'null']);
    assert.deepEqual(two, [2, { post: null, n: 2 }, [], [{ key: 'k', value: '"text"' }], null], 'SQL NULL is null, JSON null is the text null');
    assert.deepEqual(three, [3, { post: '42', n: 3 }, null, null, '"null"'], 'a JSON string "null" is not a JSON null');
  } finally {
    cleanup();
  }
});
