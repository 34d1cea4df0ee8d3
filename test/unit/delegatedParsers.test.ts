import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDbtRunResults, readDbtRunResults } from '../../src/core/engine/delegated/dbtRunResults';
import { dagsterStepKey, parseDagsterEventOutput } from '../../src/core/engine/delegated/dagsterEventOutput';

const RECORDED = path.resolve(__dirname, '../fixtures/recorded');
const json = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(RECORDED, f), 'utf8'));
const lines = (f: string): string[] => fs.readFileSync(path.join(RECORDED, f), 'utf8').split('\n');

test('dbt 1.9 build: models, a failing and a warning test, skipped downstream (with manifest)', () => {
  const s = parseDbtRunResults(json('dbt-duckdb-1.9-build-run_results.json'), json('dbt-duckdb-1.9-manifest-excerpt.json'));
  assert.deepEqual(s.problems, []);
  assert.equal(s.dbtVersion, '1.9.1');
  assert.equal(s.invocationId, '6f4d2a8e-93b1-4c7e-a0d2-5e8b1f7c3a94');
  assert.deepEqual(
    s.nodes.map((n) => [n.key.join('/'), n.status, n.executionTime, n.rowsAffected, n.message]),
    [
      ['stg_zones', 'success', 0.0612, undefined, 'OK'], // dbt-duckdb reports no rows_affected
      ['stg_trips', 'success', 0.0734, undefined, 'OK'],
      ['trips_by_zone', 'skipped', 0, undefined, undefined],
    ],
  );
  assert.deepEqual(
    s.tests.map((t) => [t.name, t.asset?.join('/'), t.status, t.passed, t.severity, t.failures]),
    [
      ['not_null_stg_zones_zone_id', 'stg_zones', 'pass', true, 'error', 0],
      ['unique_stg_zones_zone_id', 'stg_zones', 'pass', true, 'error', 0],
      ['not_null_stg_trips_trip_id', 'stg_trips', 'pass', true, 'error', 0],
      ['unique_stg_trips_trip_id', 'stg_trips', 'fail', false, 'error', 4],
      ['accepted_values_stg_trips_payment_type__1__2__3__4__5__6', 'stg_trips', 'warn', false, 'warn', 2],
      // depends on stg_zones and stg_trips: attached_node says which model it was written on.
      ['relationships_stg_trips_pickup_zone_id__zone_id__ref_stg_zones_', 'stg_trips', 'pass', true, 'error', 0],
      ['assert_no_negative_fares', 'stg_trips', 'pass', true, 'error', 0],
      ['not_null_trips_by_zone_zone_name', 'trips_by_zone', 'skipped', false, 'warn', undefined],
    ],
  );
  assert.equal(s.tests[3].message, 'Got 4 results, configured to fail if != 0');
});

test('without a manifest, tests are tied to models by their dbt name, or by the names discovery gave', () => {
  const s = parseDbtRunResults(json('dbt-duckdb-1.9-build-run_results.json'));
  const asset = (n: string) => s.tests.find((t) => t.name === n)?.asset?.join('/');
  assert.equal(asset('unique_stg_trips_trip_id'), 'stg_trips');
  assert.equal(asset('not_null_stg_zones_zone_id'), 'stg_zones');
  // stg_trips is in the name before stg_zones: the model the test is written on wins.
  assert.equal(asset('relationships_stg_trips_pickup_zone_id__zone_id__ref_stg_zones_'), 'stg_trips');
  assert.equal(asset('not_null_trips_by_zone_zone_name'), 'trips_by_zone');
  // A singular test's name says nothing about its model: unknown, reported, unless discovery knows it.
  assert.equal(asset('assert_no_negative_fares'), undefined);
  assert.deepEqual(s.problems, ['cannot tell which asset test assert_no_negative_fares checks']);
  const withNames = parseDbtRunResults(json('dbt-duckdb-1.9-build-run_results.json'), undefined, {
    testAssets: new Map([['assert_no_negative_fares', ['stg_trips']]]),
  });
  assert.deepEqual(withNames.tests.find((t) => t.name === 'assert_no_negative_fares')?.asset, ['stg_trips']);
  assert.deepEqual(withNames.problems, []);
});

test('dbt 1.8 model error: the error message, skipped tests and children', () => {
  const s = parseDbtRunResults(json('dbt-duckdb-1.8-build-model-error-run_results.json'));
  assert.equal(s.dbtVersion, '1.8.7');
  const zones = s.nodes.find((n) => n.name === 'stg_zones')!;
  assert.equal(zones.status, 'error');
  assert.match(zones.message!, /Catalog Error: Table with name taxi_zones does not exist!/);
  assert.deepEqual(s.nodes.map((n) => n.status), ['success', 'error', 'skipped']);
  assert.deepEqual(s.tests.map((t) => [t.asset?.join('/'), t.status]), [
    ['stg_trips', 'pass'],
    ['stg_trips', 'pass'],
    ['stg_zones', 'skipped'],
    ['stg_zones', 'skipped'],
  ]);
});

test('rows_affected is read when an adapter reports it; nonsense input is a problem, not a throw', () => {
  const s = parseDbtRunResults({
    results: [
      { unique_id: 'model.p.orders', status: 'success', execution_time: 1.5, adapter_response: { _message: 'INSERT 0 42', rows_affected: 42 } },
      { unique_id: 'source.p.raw.events', status: 'pass' },
      { status: 'success' },
    ],
  });
  assert.equal(s.nodes[0].rowsAffected, 42);
  assert.deepEqual(s.nodes[1].key, ['raw', 'events']);
  assert.equal(s.problems.length, 1);
  for (const bad of [null, 42, 'x', {}, { results: 'no' }, []]) {
    const r = parseDbtRunResults(bad);
    assert.equal(r.nodes.length + r.tests.length, 0);
    assert.equal(r.problems.length, 1);
  }
});

test('readDbtRunResults reads target/, and refuses a file left by an earlier run', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbt-rr-'));
  const missing = await readDbtRunResults(dir);
  assert.match(missing.problems[0], /dbt wrote no run_results\.json/);
  fs.mkdirSync(path.join(dir, 'target'));
  fs.copyFileSync(path.join(RECORDED, 'dbt-duckdb-1.9-build-run_results.json'), path.join(dir, 'target/run_results.json'));
  fs.copyFileSync(path.join(RECORDED, 'dbt-duckdb-1.9-manifest-excerpt.json'), path.join(dir, 'target/manifest.json'));
  const ok = await readDbtRunResults(dir, { notBefore: new Date('2025-01-14T09:12:40Z') });
  assert.equal(ok.tests.length, 8);
  assert.equal(ok.tests.find((t) => t.name === 'assert_no_negative_fares')?.asset?.[0], 'stg_trips', 'the manifest beside it is used');
  const stale = await readDbtRunResults(dir, { notBefore: new Date('2025-01-15T00:00:00Z') });
  assert.equal(stale.tests.length, 0);
  assert.match(stale.problems[0], /from an earlier run/);
});

test('Dagster success log: materializations, a passing check in its own step and a failing one in the asset step', () => {
  const s = parseDagsterEventOutput(lines('dagster-1.10-asset-materialize-success.log'));
  assert.equal(s.status, 'success');
  assert.equal(s.runId, '3f2c7a1e-5b8d-4e0f-9a61-c2d7e4b8f013');
  assert.deepEqual(s.materialized, [
    { key: ['raw', 'taxi_trips'], stepKey: 'raw__taxi_trips' },
    { key: ['trips_by_day'], stepKey: 'trips_by_day' },
  ]);
  assert.deepEqual(s.checks, [
    { asset: ['raw', 'taxi_trips'], name: 'no_negative_fares', passed: true, stepKey: 'raw__taxi_trips_no_negative_fares' },
    {
      asset: ['trips_by_day'],
      name: 'trips_by_day_not_empty',
      passed: false,
      description: 'Found 0 rows - the upstream load returned nothing',
      stepKey: 'trips_by_day',
    },
  ]);
  assert.deepEqual(s.succeededSteps, ['raw__taxi_trips', 'raw__taxi_trips_no_negative_fares', 'trips_by_day']);
  assert.deepEqual(s.failedSteps, []);
  assert.equal(dagsterStepKey(['raw', 'taxi_trips']), s.materialized[0].stepKey);
});

test('Dagster failure log: the failed step with its inner error (no stack trace), skipped downstream, run failure', () => {
  const s = parseDagsterEventOutput(lines('dagster-1.10-asset-materialize-failure.log'));
  assert.equal(s.status, 'failure');
  assert.deepEqual(s.failedSteps, [
    { stepKey: 'taxi_zones', error: 'duckdb.duckdb.IOException: IO Error: No files found that match the pattern "data/taxi_zones.csv"' },
  ]);
  assert.deepEqual(s.skippedSteps, ['zone_trip_counts']);
  assert.deepEqual(s.materialized.map((m) => m.key), [['raw', 'taxi_trips']]);
  assert.deepEqual(s.checks.map((c) => [c.name, c.passed, c.description]), [['no_negative_fares', false, '17 trips have a negative fare_amount']]);
  assert.equal(s.runMessage, `Execution of run for "__ASSET_JOB" failed. Steps failed: ['taxi_zones'].`);
});

test('Dagster output that is not a Dagster log (an import error before the run) parses to unknown', () => {
  const s = parseDagsterEventOutput([
    'Traceback (most recent call last):',
    '  File "/x/defs.py", line 1, in <module>',
    "ModuleNotFoundError: No module named 'dagster_duckdb'",
    '2025-04-07 09:14:05 +0000 - dagster - DEBUG - __ASSET_JOB - r - 1 - ASSET_FAILED_TO_MATERIALIZE - Asset ["raw", "t"] failed to materialize',
  ]);
  assert.equal(s.status, 'unknown');
  assert.deepEqual(s.failedAssets, [['raw', 't']]);
  assert.deepEqual(parseDagsterEventOutput([]).materialized, []);
});
