import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSqlAssetFile, readSqlFiles } from '../../src/core/discovery/sql/sqlAssetReader';
import { keyToString } from '../../src/core/assetKey';
import type { FileDiscovery } from '../../src/core/asset';

const root = resolve(__dirname, '../fixtures/sql');
const ctx = { root, assetRoots: [join(root, 'assets')] };

async function readFixture(rel: string): Promise<FileDiscovery> {
  const file = join(root, rel);
  return readSqlAssetFile(file, readFileSync(file, 'utf8'), ctx);
}

function depKeys(d: FileDiscovery): string[] {
  return d.assets[0]!.deps.map((x) => `${x.origin}:${keyToString(x.key)}`);
}

test('default key is <folder>.<stem> under the assets root, group the folder; table functions are labelled sources', async () => {
  const d = await readFixture('assets/raw/taxi_trips.sql');
  assert.deepEqual(d.problems, []);
  const a = d.assets[0]!;
  assert.deepEqual(a.key, ['raw', 'taxi_trips']);
  assert.deepEqual(a.sql!.relation, { schema: 'raw', name: 'taxi_trips' });
  assert.equal(a.group, 'raw');
  assert.equal(a.kind, 'table');
  assert.equal(a.location.line, 1);
  assert.equal(a.sql!.sqlLine, 7);
  assert.deepEqual(depKeys(d), ["table-function:read_parquet('data/yellow_tripdata_*.parquet')"]);
  assert.equal(a.deps[0]!.label, "read_parquet('data/yellow_tripdata_*.parquet')");
  assert.equal(a.deps[0]!.location!.line, 8);
  assert.deepEqual(
    a.checks.map((c) => [c.name, c.location.line]),
    [
      ['not_null_trip_id', 4],
      ['not_null_pickup_at', 4],
      ['unique_trip_id', 5],
    ],
  );
});

test('outside the assets root the default key is the stem and the relation has no schema', async () => {
  const d = await readFixture('scripts/helper_asset.sql');
  assert.deepEqual(d.problems, []);
  assert.deepEqual(d.assets[0]!.key, ['helper_asset']);
  assert.deepEqual(d.assets[0]!.sql!.relation, { name: 'helper_asset' });
  assert.equal(d.assets[0]!.location.line, 2);
});

test('a file without an @asset header is not an asset', async () => {
  const d = await readFixture('scripts/adhoc.sql');
  assert.deepEqual(d.assets, []);
  assert.deepEqual(d.problems, []);
});

test('every header key and check type is read, with each check at its own line', async () => {
  const d = await readFixture('assets/analytics/daily_trips.sql');
  assert.deepEqual(d.problems, []);
  const a = d.assets[0]!;
  assert.deepEqual(a.key, ['analytics', 'daily_trips']);
  assert.equal(a.kind, 'incremental');
  assert.equal(a.description, 'Trips per day.');
  assert.deepEqual(a.sql!.uniqueKey, ['pickup_date']);
  assert.equal(a.sql!.watermark, 'pickup_date');
  // The CTE `trips` is not a dependency; the table it reads is.
  assert.deepEqual(depKeys(d), ['sql-table:raw/taxi_trips']);
  assert.equal(a.deps[0]!.location!.line, 19);
  const byName = new Map(a.checks.map((c) => [c.name, c]));
  assert.deepEqual([...byName.keys()], [
    'not_null_pickup_date',
    'row_count',
    'accepted_values_payment_type',
    'relationships_zone_id',
    'freshness_pickup_date',
    'no_negative_trips',
  ]);
  assert.deepEqual(byName.get('accepted_values_payment_type')!.config, { column: 'payment_type', values: [1, 2, 3, 4] });
  assert.deepEqual(byName.get('relationships_zone_id')!.config, { column: 'zone_id', to: 'raw.zones', field: 'id' });
  assert.deepEqual(byName.get('freshness_pickup_date')!.config, { column: 'pickup_date', max_age: '2 days' });
  assert.deepEqual(byName.get('row_count')!.config, { min: 1 });
  const custom = byName.get('no_negative_trips')!;
  assert.equal(custom.type, 'sql');
  assert.equal(custom.severity, 'warn');
  assert.equal(custom.location.line, 13);
  assert.equal(custom.config!['sql'], 'select * from {{ this }} where trips < 0');
  assert.equal(byName.get('row_count')!.location.line, 9);
});

test('joins, subqueries in WHERE, set operations and header depends all become dependencies', async () => {
  const d = await readFixture('assets/analytics/zone_revenue.sql');
  assert.deepEqual(d.problems, []);
  assert.equal(d.assets[0]!.group, 'reporting');
  assert.deepEqual(depKeys(d).sort(), [
    'header:analytics/daily_trips',
    'sql-table:raw/taxi_trips',
    'sql-table:staging/active_zones',
    'sql-table:zones',
  ]);
});

test('CTEs at any level are excluded; qualified names that share a CTE name are kept', async () => {
  const text = `/* @asset */
with a as (select * from src.one),
b as (with inner_cte as (select * from a) select * from inner_cte join src.two using (id))
select * from b
union
select * from (select * from src.three) s
where exists (select 1 from other.a)
`;
  const d = await readSqlAssetFile('/w/x.sql', text, { root: '/w' });
  assert.deepEqual(d.problems, []);
  assert.deepEqual(depKeys(d).sort(), ['sql-table:other/a', 'sql-table:src/one', 'sql-table:src/three', 'sql-table:src/two']);
});

test('{{ this }} is not a dependency and templates do not break parsing', async () => {
  const text = `/* @asset
name: a.inc
kind: incremental
watermark: ts
*/
select * from src.events
where ts > {{ watermark }}
  and id not in (select id from {{ this }})
  and '{{ target }}' is not null
`;
  const d = await readSqlAssetFile('/w/x.sql', text, { root: '/w' });
  assert.deepEqual(d.problems, []);
  assert.deepEqual(depKeys(d), ['sql-table:src/events']);
});

test('catalog-qualified tables keep the catalog; generators are not sources', async () => {
  const d = await readSqlAssetFile('/w/x.sql', '/* @asset */\nselect * from lake.raw.events, generate_series(1, 3), read_csv_auto(\'x.csv\')\n', { root: '/w' });
  assert.deepEqual(d.problems, []);
  assert.deepEqual(depKeys(d), ['sql-table:lake/raw/events', "table-function:read_csv_auto('x.csv')"]);
});

test('a syntax error is reported at its line and column in the .sql file', async () => {
  const text = '/* @asset\nname: s.e\n*/\nselect a,\n  b\nfrom t where\n';
  const d = await readSqlAssetFile('/w/x.sql', text, { root: '/w' });
  assert.equal(d.problems.length, 1);
  const p = d.problems[0]!;
  assert.equal(p.code, 'sql.syntax');
  assert.match(p.message, /syntax error at end of input/);
  assert.equal(p.line, 7);
});

test('a syntax error after non-ASCII text still lands on the right column', async () => {
  const text = "/* @asset */\nselect 'café' as x from from\n";
  const d = await readSqlAssetFile('/w/x.sql', text, { root: '/w' });
  const p = d.problems.find((x) => x.code === 'sql.syntax')!;
  assert.equal(p.line, 2);
  assert.equal(text.split('\n')[1]!.slice(p.column - 1, p.column - 1 + 4), 'from');
  assert.equal(p.column, 25);
});

test('many files are read in one batch, each with its own result', async () => {
  const files = Array.from({ length: 50 }, (_, i) => ({
    file: `/w/assets/m/a${i}.sql`,
    text: i % 10 === 3 ? `/* @asset */\nselect from where ${i}` : `/* @asset */\nselect * from m.a${i + 1}`,
  }));
  const out = await readSqlFiles(files, { root: '/w', assetRoots: ['/w/assets'] });
  assert.equal(out.length, 50);
  for (let i = 0; i < 50; i++) {
    if (i % 10 === 3) assert.equal(out[i]!.problems[0]!.code, 'sql.syntax');
    else assert.deepEqual(depKeys(out[i]!), [`sql-table:m/a${i + 1}`]);
  }
});

test('a header with only comments or nothing is a valid asset with defaults', async () => {
  const d = await readSqlAssetFile('/w/t.sql', '/* @asset\n  # nothing to say\n*/\nselect 1\n', { root: '/w' });
  assert.deepEqual(d.problems, []);
  assert.equal(d.assets[0]!.kind, 'table');
  assert.equal(d.assets[0]!.group, 'default');
});

test('definitionHash changes with the text', async () => {
  const a = await readSqlAssetFile('/w/t.sql', '/* @asset */\nselect 1\n', { root: '/w' });
  const b = await readSqlAssetFile('/w/t.sql', '/* @asset */\nselect 2\n', { root: '/w' });
  assert.match(a.assets[0]!.definitionHash, /^[0-9a-f]{64}$/);
  assert.notEqual(a.assets[0]!.definitionHash, b.assets[0]!.definitionHash);
});

test('the SQL bad-input corpus: each file yields its problem at the right line', async () => {
  const dir = resolve(__dirname, '../fixtures/bad');
  const expected: [string, number, string][] = [
    ['invalid_yaml.sql', 5, 'sql.header.invalid-yaml'],
    ['unknown_key.sql', 3, 'sql.header.unknown-key'],
    ['unknown_check.sql', 5, 'sql.check.unknown-type'],
    ['syntax_error.sql', 6, 'sql.syntax'],
    ['unknown_template.sql', 6, 'sql.template.unknown'],
    ['not_select.sql', 5, 'sql.not-select'],
    ['bad_kind.sql', 3, 'sql.header.invalid-value'],
    ['unclosed_header.sql', 1, 'sql.header.unclosed'],
    ['empty_body.sql', 3, 'sql.empty'],
    ['bad_partition.sql', 4, 'sql.header.invalid-value'],
    ['bad_check_args.sql', 5, 'sql.check.invalid'],
    // 8 levels of 9 aliases (9^8 nodes): reported at the alias that crosses the cap.
    ['alias_bomb.sql', 9, 'sql.header.invalid-yaml'],
    // 100,000 nested brackets: at the line they are written on, not line 1.
    ['deep_nesting.sql', 4, 'sql.header.invalid-yaml'],
  ];
  const files = expected.map(([f]) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
  const out = await readSqlFiles(files, { root: dir });
  for (let i = 0; i < expected.length; i++) {
    const [f, line, code] = expected[i]!;
    const got = out[i]!.problems.map((p) => `${p.line}:${p.code}`);
    assert.ok(got.includes(`${line}:${code}`), `${f}: expected ${line}:${code}, got ${JSON.stringify(got)}`);
  }
});

test('aliased and sampled table functions and tables are still found', async () => {
  const text = "/* @asset */\nselect * from read_parquet('a.parquet') as p (x, y)\njoin raw.events e tablesample 10% on true\njoin main.read_json('b.json') j on true\n";
  const d = await readSqlAssetFile('/w/x.sql', text, { root: '/w' });
  assert.deepEqual(d.problems, []);
  assert.deepEqual(depKeys(d), ['sql-table:raw/events', "table-function:read_parquet('a.parquet')", "table-function:read_json('b.json')"]);
});
