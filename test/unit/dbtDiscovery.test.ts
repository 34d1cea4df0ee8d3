import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AssetDefinition, CheckDefinition } from '../../src/core/asset';
import type { AssetKey } from '../../src/core/assetKey';
import { discoverDbtProject } from '../../src/core/discovery/dbt/dbtProject';
import type { DbtProjectDiscovery } from '../../src/core/discovery/dbt/dbtProject';

const FIXTURE = path.resolve(__dirname, '../fixtures/dbt/nyc_taxi_dbt');

function assets(d: DbtProjectDiscovery): Map<string, AssetDefinition> {
  return new Map(d.discoveries.flatMap((f) => f.assets).map((a) => [a.key.join('/'), a]));
}
function checks(d: DbtProjectDiscovery): { asset: AssetKey; check: CheckDefinition }[] {
  return d.discoveries.flatMap((f) => f.detachedChecks ?? []);
}
function allProblems(d: DbtProjectDiscovery) {
  return [...d.problems, ...d.discoveries.flatMap((f) => f.problems)];
}
function tempProject(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbt-disc-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

test('the taxi project: every model, seed, snapshot and source with dagster-dbt keys', async () => {
  const d = await discoverDbtProject(FIXTURE);
  assert.equal(d.projectName, 'nyc_taxi');
  assert.deepEqual(allProblems(d), []);
  assert.deepEqual([...assets(d).keys()].sort(), [
    'daily_trips',
    'payment_types',
    'raw/taxi_trips',
    'raw/taxi_zones',
    'stg_trips',
    'stg_zones',
    'trips_by_zone',
    'zones_snapshot',
  ]);
  const a = assets(d);
  // config() in the file wins over dbt_project.yml; marts/ are tables by the folder config.
  assert.equal(a.get('stg_trips')!.kind, 'view');
  assert.equal(a.get('stg_zones')!.kind, 'view');
  assert.equal(a.get('daily_trips')!.kind, 'table');
  assert.equal(a.get('trips_by_zone')!.dbt!.materialized, 'table');
  assert.equal(a.get('stg_trips')!.group, 'staging');
  assert.equal(a.get('trips_by_zone')!.group, 'marts');
  assert.equal(a.get('stg_trips')!.description, 'Trips, typed and renamed.');
  assert.deepEqual(a.get('stg_trips')!.location, { file: path.join(FIXTURE, 'models/staging/stg_trips.sql'), line: 1, column: 1 });
  assert.deepEqual(a.get('trips_by_zone')!.dbt, {
    projectDir: FIXTURE,
    projectName: 'nyc_taxi',
    resourceType: 'model',
    selector: 'trips_by_zone',
    materialized: 'table',
  });
  assert.equal(a.get('payment_types')!.dbt!.resourceType, 'seed');
  assert.equal(a.get('zones_snapshot')!.dbt!.resourceType, 'snapshot');
  assert.equal(a.get('zones_snapshot')!.location.line, 1);
  assert.match(a.get('stg_trips')!.definitionHash, /^[0-9a-f]{16}$/);
  assert.ok(d.files.includes(path.join(FIXTURE, 'dbt_project.yml')));
  assert.ok(d.files.includes(path.join(FIXTURE, 'models/staging/schema.yml')));
  assert.ok(d.files.every((f) => path.isAbsolute(f)));
});

test('refs and sources become dependencies at their exact line and column', async () => {
  const a = assets(await discoverDbtProject(FIXTURE));
  const deps = (k: string) => a.get(k)!.deps.map((dep) => [dep.key.join('/'), dep.origin, dep.location!.line, dep.location!.column]);
  assert.deepEqual(deps('stg_trips'), [['raw/taxi_trips', 'dbt-source', 4, 22]]);
  assert.deepEqual(deps('stg_zones'), [['raw/taxi_zones', 'dbt-source', 5, 9]]);
  assert.deepEqual(deps('trips_by_zone'), [
    ['stg_trips', 'dbt-ref', 12, 9],
    ['stg_zones', 'dbt-ref', 13, 9],
    ['payment_types', 'dbt-ref', 15, 14],
  ]);
  // ref('pkg', 'model', v=1) names the model; the ref inside {# #} is not a dependency.
  assert.deepEqual(deps('daily_trips'), [['stg_trips', 'dbt-ref', 5, 9]]);
  assert.deepEqual(deps('zones_snapshot'), [['stg_zones', 'dbt-ref', 12, 18]]);
  assert.equal(a.get('stg_trips')!.deps[0].location!.file, path.join(FIXTURE, 'models/staging/stg_trips.sql'));
});

test('a source table links to the Dagster asset named by meta.dagster.asset_key', async () => {
  const a = assets(await discoverDbtProject(FIXTURE));
  const trips = a.get('raw/taxi_trips')!;
  assert.equal(trips.source, 'dbt');
  assert.deepEqual(trips.dbt!.linkedKey, ['raw', 'taxi_trips']);
  assert.equal(trips.dbt!.resourceType, 'source');
  assert.equal(trips.dbt!.selector, 'source:raw.taxi_trips');
  assert.deepEqual([trips.location.file, trips.location.line], [path.join(FIXTURE, 'models/staging/_sources.yml'), 8]);
  assert.equal(a.get('raw/taxi_zones')!.dbt!.linkedKey, undefined);
});

test('each YAML test is a check named as dbt names it, at its YAML line, with its severity', async () => {
  const d = await discoverDbtProject(FIXTURE);
  const got = checks(d).map((c) => [c.asset.join('/'), c.check.name, c.check.severity, path.basename(c.check.location.file), c.check.location.line]);
  const expected = [
    ['trips_by_zone', 'not_null_trips_by_zone_zone_name', 'warn', 'schema.yml', 9],
    ['daily_trips', 'dbt_utils_expression_is_true_daily_trips_trips_0', 'error', 'schema.yml', 14],
    ['daily_trips', 'unique_daily_trips_trip_date', 'error', 'schema.yml', 19],
    ['raw/taxi_trips', 'source_not_null_raw_taxi_trips_trip_id', 'error', '_sources.yml', 16],
    ['raw/taxi_trips', 'source_unique_raw_taxi_trips_trip_id', 'error', '_sources.yml', 17],
    ['stg_trips', 'not_null_stg_trips_trip_id', 'error', 'schema.yml', 9],
    ['stg_trips', 'unique_stg_trips_trip_id', 'error', 'schema.yml', 10],
    ['stg_trips', 'accepted_values_stg_trips_payment_type__1__2__3__4__5__6', 'warn', 'schema.yml', 13],
    ['stg_trips', 'relationships_stg_trips_pickup_zone_id__zone_id__ref_stg_zones_', 'error', 'schema.yml', 19],
    ['stg_zones', 'unique_stg_zones_zone_id', 'error', 'schema.yml', 26],
    ['stg_zones', 'not_null_stg_zones_zone_id', 'error', 'schema.yml', 27],
    ['stg_trips', 'assert_no_negative_fares', 'error', 'assert_no_negative_fares.sql', 1],
  ];
  assert.deepEqual(
    got.sort((x, y) => String(x).localeCompare(String(y))),
    expected.sort((x, y) => String(x).localeCompare(String(y))),
  );
  for (const c of checks(d)) {
    assert.equal(c.check.type, 'dbt');
    assert.equal(c.check.blocking, c.check.severity === 'error');
  }
  const av = checks(d).find((c) => c.check.name.startsWith('accepted_values'))!;
  assert.deepEqual(av.check.config, { test: 'accepted_values', column: 'payment_type', args: { values: [1, 2, 3, 4, 5, 6], column_name: 'payment_type' } });
});

test('meta.dagster.asset_key on a model re-keys it, and refs and tests follow', async () => {
  const dir = tempProject({
    'dbt_project.yml': 'name: p\n',
    'models/a.sql': 'select 1 as id',
    'models/b.sql': "select * from {{ ref('a') }}",
    'models/c.sql': "{{ config(enabled=false) }}\nselect 1",
    'models/props.yml': [
      'version: 2',
      'models:',
      '  - name: a',
      '    meta:',
      '      dagster:',
      '        asset_key: ["analytics", "a"]',
      '        group: core',
      '    columns:',
      '      - name: id',
      '        tests: [unique]',
      '  - name: c',
      '    tests: [not_null]',
    ].join('\n'),
  });
  const d = await discoverDbtProject(dir);
  const a = assets(d);
  assert.deepEqual([...a.keys()].sort(), ['analytics/a', 'b']);
  assert.equal(a.get('analytics/a')!.group, 'core');
  assert.equal(a.get('analytics/a')!.dbt!.selector, 'a');
  assert.deepEqual(a.get('b')!.deps.map((x) => x.key), [['analytics', 'a']]);
  assert.deepEqual(checks(d).map((c) => [c.asset.join('/'), c.check.name]), [['analytics/a', 'unique_a_id']]);
});

test('bad input: every problem at its line, nothing thrown, good files still read', async () => {
  const dir = tempProject({
    'dbt_project.yml': 'name: broken\nmodel-paths: [models]\n',
    // Invalid YAML: an unclosed flow sequence on line 5.
    'models/bad.yml': 'version: 2\nmodels:\n  - name: ok\n    columns:\n      - name: [unclosed\n',
    'models/odd.yml': [
      'version: 2', // 1
      'sources: not-a-list', // 2
      'models:', // 3
      '  - description: no name', // 4
      '  - name: good', // 5
      '    columns:', // 6
      '      - description: column without a name', // 7
      '      - name: id', // 8
      '        tests:', // 9
      '          - 42', // 10
      '          - accepted_values: [not, a, mapping]', // 11
      '          - not_null', // 12
      '  - name: other', // 13
      '    columns:', // 14
      '      - name: x', // 15
      '        tests: {not_null: true}', // 16
    ].join('\n'),
    'models/src.yml': 'version: 2\nsources:\n  - name: raw\n    tables: taxi_trips\n',
    'models/good.sql': 'select 1 as id',
    'models/dynamic.sql': "select * from {{ ref(var('upstream')) }}\njoin {{ source('only_one') }}",
    'models/binary.sql': Buffer.from([0x73, 0x65, 0x00, 0x01, 0x02]),
    'models/latin1.sql': Buffer.from([0x73, 0x65, 0x6c, 0xe9, 0x0a]),
    'models/empty.yml': '',
  });
  const d = await discoverDbtProject(dir);
  const problems = allProblems(d).map((p) => [path.basename(p.file), p.line, p.code]);
  const has = (file: string, line: number, code: string) =>
    assert.ok(problems.some(([f, l, c]) => f === file && l === line && c === code), `expected ${code} at ${file}:${line}, got ${JSON.stringify(problems)}`);
  has('bad.yml', 5, 'dbt.yaml.invalid');
  has('odd.yml', 2, 'dbt.schema.invalid');
  has('odd.yml', 4, 'dbt.schema.invalid');
  has('odd.yml', 7, 'dbt.schema.invalid');
  has('odd.yml', 10, 'dbt.schema.invalid');
  has('odd.yml', 11, 'dbt.schema.invalid');
  has('odd.yml', 16, 'dbt.schema.invalid');
  has('src.yml', 4, 'dbt.schema.invalid');
  has('dynamic.sql', 2, 'dbt.source.invalid');
  has('binary.sql', 1, 'discovery.binary-file');
  has('latin1.sql', 1, 'discovery.not-utf8');
  assert.ok(!problems.some(([f]) => f === 'empty.yml'));
  const a = assets(d);
  assert.deepEqual([...a.keys()].sort(), ['dynamic', 'good']);
  assert.deepEqual(checks(d).map((c) => c.check.name), ['not_null_good_id']);
  const dynamic = d.discoveries.find((f) => f.file.endsWith('dynamic.sql'))!;
  assert.deepEqual(dynamic.unseen, ['dynamic ref(...) at dynamic.sql:1']);
});

test('a folder without dbt_project.yml gives a problem, not an exception', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbt-none-'));
  const d = await discoverDbtProject(dir);
  assert.equal(d.discoveries.length, 0);
  assert.equal(d.problems.length, 1);
  assert.equal(d.problems[0].code, 'dbt.project.missing');
  const bad = tempProject({ 'dbt_project.yml': '- just\n- a list\n' });
  const b = await discoverDbtProject(bad);
  assert.equal(b.projectName, path.basename(bad));
  assert.equal(b.problems[0].code, 'dbt.project.invalid');
  assert.equal(allProblems(b).length, 1, 'a project problem is reported once');
});

test('random and truncated input never throws (seeded, reproducible)', async () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const alphabet = "{}%#()[]'\",:=-. \nabcref_source_config0123456789|*&!?";
  const sources = fs.readdirSync(path.join(FIXTURE, 'models/staging')).map((f) => fs.readFileSync(path.join(FIXTURE, 'models/staging', f), 'utf8'));
  const files: Record<string, string> = { 'dbt_project.yml': 'name: fuzz\n' };
  for (let i = 0; i < 40; i++) {
    let text = '';
    if (i % 2 === 0) {
      const src = sources[i % sources.length];
      text = src.slice(0, Math.floor(rand() * src.length)); // truncated real file
    } else {
      const n = Math.floor(rand() * 300);
      for (let k = 0; k < n; k++) text += alphabet[Math.floor(rand() * alphabet.length)];
    }
    files[`models/f${i}.${i % 4 < 2 ? 'yml' : 'sql'}`] = text;
  }
  const d = await discoverDbtProject(tempProject(files));
  assert.equal(d.projectName, 'fuzz');
  for (const p of allProblems(d)) {
    assert.ok(p.line >= 1 && p.column >= 1, `problem position must be 1-based: ${JSON.stringify(p)}`);
    assert.ok(path.isAbsolute(p.file));
  }
});

test('re-reading a project after an edit sees the edit (parsed files are reused only while unchanged)', async () => {
  const dir = tempProject({
    'dbt_project.yml': 'name: p\n',
    'models/a.sql': 'select 1 as id',
    'models/b.sql': "select * from {{ ref('a') }}",
    'models/s.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        tests: [unique]\n',
  });
  const first = await discoverDbtProject(dir);
  assert.deepEqual(assets(first).get('b')!.deps.map((x) => x.key[0]), ['a']);
  fs.writeFileSync(path.join(dir, 'models/b.sql'), "-- now two\nselect * from {{ ref('a') }} join {{ ref('c') }} using (id)");
  fs.writeFileSync(path.join(dir, 'models/s.yml'), 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        tests: [not_null]\n');
  const second = await discoverDbtProject(dir);
  assert.deepEqual(assets(second).get('b')!.deps.map((x) => [x.key[0], x.location!.line]), [['a', 2], ['c', 2]]);
  assert.deepEqual(checks(second).map((c) => c.check.name), ['not_null_b_id']);
  assert.notEqual(assets(second).get('b')!.definitionHash, assets(first).get('b')!.definitionHash);
});
