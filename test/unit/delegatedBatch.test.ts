import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDelegatedRunner } from '../../src/core/engine/delegated/delegatedAssetRunner';
import { materializeSelection } from '../../src/core/engine/materializeWorkspace';
import { delegatedSegments } from '../../src/core/engine/delegatedSegments';
import type { MaterializationPlan, PlannedAsset } from '../../src/core/engine/materializationPlan';

/*
 * dbt cannot be installed here: a stand-in `dbt` records each command line and
 * writes the run_results.json recorded from dbt-duckdb 1.9 (stg_zones built,
 * stg_trips built with a failing unique test, trips_by_zone skipped by dbt).
 * What is real: the plan, the grouping, the child process, reading the results.
 */
const RECORDED = path.resolve(__dirname, '../fixtures/recorded');
const TAXI = path.resolve(__dirname, '../fixtures/dbt/nyc_taxi_dbt');

function standInDbt(dir: string): string {
  const file = path.join(dir, 'dbt');
  const body = [
    'echo "$@" >> "$PWD/invocations.txt"',
    'mkdir -p target',
    `sed 's/2025-01-14T09:12:41.761524Z/'"$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)"'/' '${RECORDED}/dbt-duckdb-1.9-build-run_results.json' > target/run_results.json`,
    'exit 1',
  ].join('\n');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

test('the dbt models of a plan that go to dbt run as one dbt build --select of all of them, each result mapped back', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-batch-'));
  try {
    const project = path.join(work, 'nyc_taxi_dbt');
    fs.cpSync(TAXI, project, { recursive: true });
    const dbt = standInDbt(work);
    const env = { NYC_TAXI_DUCKDB_PATH: path.join(work, 'dev.duckdb'), PATH: process.env.PATH };
    // A local target to defer to (the fixture's prod is MotherDuck, out of reach here).
    const profiles = path.join(project, 'profiles.yml');
    fs.writeFileSync(profiles, fs.readFileSync(profiles, 'utf8').replace('    prod:\n', `    stage:\n      type: duckdb\n      path: ${path.join(work, 'stage.duckdb')}\n      schema: analytics\n    prod:\n`));
    (await DuckDBInstance.create(path.join(work, 'stage.duckdb'))).closeSync();
    const warnings: string[] = [];
    const { result } = await materializeSelection(project, ['+trips_by_zone'], {
      env,
      dbtRunner: 'dbt',
      delegated: createDelegatedRunner({ dbtExecutable: dbt }),
      // dbt reads only the run's target: a batched run says so for each of its assets, as a lone one does.
      defer: 'stage',
      onEvent: (e) => {
        if (e.type === 'log' && e.level === 'warn') warnings.push(e.message);
      },
    });
    const invocations = fs.readFileSync(path.join(project, 'invocations.txt'), 'utf8').trim().split('\n');
    assert.equal(invocations.length, 1, invocations.join('\n'));
    const selected = invocations[0]!.split(' --target ')[0]!.replace(/^build --select /, '').split(' ').sort();
    // raw.taxi_zones has no tests: a source with nothing to run is not in the plan (raw.taxi_trips has).
    assert.deepEqual(selected, ['payment_types', 'source:raw.taxi_trips', 'stg_trips', 'stg_zones', 'trips_by_zone'].sort());
    const status = Object.fromEntries(result.runs.map((r) => [r.key, r.status]));
    assert.equal(status['stg_zones'], 'success');
    assert.equal(status['stg_trips'], 'failed');
    assert.equal(status['trips_by_zone'], 'skipped');
    const runner = Object.fromEntries(result.runs.map((r) => [r.key, r.runner]));
    assert.deepEqual([runner['stg_zones'], runner['stg_trips'], runner['trips_by_zone']], ['dbt', 'dbt', undefined]);
    const trips = result.runs.find((r) => r.key === 'stg_trips')!;
    assert.match(trips.error!, /unique_stg_trips_trip_id/);
    assert.ok(trips.checks.some((c) => c.name === 'not_null_stg_trips_trip_id' && c.passed));
    for (const key of ['stg_zones', 'stg_trips', 'trips_by_zone']) {
      assert.ok(warnings.includes(`${key} runs with its own tool: --defer does not reach it; it reads dev only.`), warnings.join('\n'));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

function planned(id: string, waitsFor: string[] = []): PlannedAsset {
  return { id, waitsFor, checksRead: [], node: { id, definition: { key: [id], source: 'dbt', location: { file: '/x', line: 1, column: 1 }, deps: [], checks: [], definitionHash: '' }, checks: [] } };
}

test('a group is kept only when nothing outside it sits between two members; other tools and projects stay apart', () => {
  // a -> b (dbt p1); b -> s (SQL) -> c (dbt p1); d (dbt p1) alone; e (dbt p2) reads a.
  const plan: MaterializationPlan = {
    assets: [planned('a'), planned('b', ['a']), planned('d'), planned('e', ['a']), planned('s', ['b']), planned('c', ['s'])],
    levels: [],
  };
  const key = (id: string): string | undefined => (id === 's' ? undefined : id === 'e' ? 'dbt:p2' : 'dbt:p1');
  const segments = delegatedSegments(plan, key);
  assert.deepEqual(segments.get('a'), ['a', 'b']);
  assert.equal(segments.get('b'), segments.get('a'));
  assert.equal(segments.has('c'), false);
  assert.equal(segments.has('d'), false);
  assert.equal(segments.has('e'), false);
  // With c reading b directly too, s sits between b and c: a, b, c cannot be one run.
  const between: MaterializationPlan = { assets: [planned('a'), planned('b', ['a']), planned('s', ['b']), planned('c', ['s', 'b'])], levels: [] };
  assert.equal(delegatedSegments(between, key).size, 0);
});

test('Dagster assets of one code location run as one dagster asset materialize --select a,b; each asset stands on its own step', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-dg-batch-'));
  try {
    const defs = path.join(work, 'defs.py');
    fs.writeFileSync(defs, '');
    const python = path.join(work, 'python');
    // The recorded run: taxi_trips materialized, the taxi_zones step failed.
    fs.writeFileSync(python, `#!/bin/sh\necho "$@" >> '${work}/invocations.txt'\ncat '${RECORDED}/dagster-1.10-asset-materialize-failure.log' >&2\nexit 1\n`, { mode: 0o755 });
    const node = (id: string, key: string[]) => ({
      id,
      definition: { key, source: 'dagster' as const, location: { file: defs, line: 1, column: 1 }, deps: [], checks: [], definitionHash: 'h', dagster: { file: defs } },
      checks: [],
    });
    const runner = createDelegatedRunner({ python });
    const target = { name: 'dev', type: 'duckdb' as const, path: path.join(work, 'dev.duckdb'), schema: 'main', threads: 1, env: {}, protected: false, from: 'default' as const };
    const outcomes = await runner.runBatch!([node('raw/taxi_trips', ['raw', 'taxi_trips']), node('taxi_zones', ['taxi_zones'])], { target, projectRoot: work, onEvent: () => undefined });
    assert.deepEqual(fs.readFileSync(path.join(work, 'invocations.txt'), 'utf8').trim().split('\n'), [`-m dagster asset materialize --select raw/taxi_trips,taxi_zones -f ${defs}`]);
    assert.equal(outcomes.get('raw/taxi_trips')!.status, 'success');
    assert.equal(outcomes.get('taxi_zones')!.status, 'failed');
    assert.match(outcomes.get('taxi_zones')!.error!, /No files found that match the pattern "data\/taxi_zones.csv"/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
