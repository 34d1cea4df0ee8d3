import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir, queryFile } from './engineFixtures';
import { cli } from './cliRun';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/nyc_taxi');

function copyExample(dir: string): string {
  const root = join(dir, 'nyc_taxi');
  cpSync(EXAMPLE, root, { recursive: true, filter: (src) => !src.includes('.asset-studio') });
  return root;
}

test('the example project end to end: materialize *, again (0 new trips), check, JSON exactly as docs/cli.md', async () => {
  const { dir, cleanup } = tempDir('cli-mat-');
  try {
    const root = copyExample(dir);
    const first = await cli(['materialize', '*', '--json', '--root', root], dir);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const json = JSON.parse(first.stdout);
    assert.deepEqual(Object.keys(json), ['target', 'runs']);
    assert.equal(json.target, 'dev');
    const byKey = new Map<string, Record<string, unknown>>(json.runs.map((r: Record<string, unknown>) => [r['key'], r]));
    assert.deepEqual([...byKey.keys()].sort(), ['analytics/daily_trips', 'analytics/trips_by_borough', 'raw/taxi_trips', 'raw/zones']);
    for (const r of json.runs) {
      assert.deepEqual(Object.keys(r), ['key', 'status', 'rows', 'duration_ms', 'error', 'file', 'line', 'runner', 'checks']);
      assert.equal(r.status, 'success');
      assert.equal(r.runner, 'in-process');
      for (const c of r.checks) assert.deepEqual(Object.keys(c), ['name', 'passed', 'severity', 'failing_rows']);
    }
    const trips = byKey.get('raw/taxi_trips')!;
    assert.ok((trips['rows'] as number) > 0);
    assert.equal(byKey.get('analytics/trips_by_borough')!['rows'], null);
    const stored = await queryFile(join(root, '.asset-studio', 'dev.duckdb'), 'select count(*) as n from raw.taxi_trips');
    assert.equal(Number(stored[0]!['n']), trips['rows']);

    const second = await cli(['materialize', 'raw.taxi_trips', '--json', '--root', root], dir);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).runs[0].rows, 0);

    const human = await cli(['check', '--root', root], dir);
    assert.equal(human.code, 0, human.stderr + human.stdout);
    assert.match(human.stdout, /✓ raw\/taxi_trips {2}success .*checks \d+\/\d+ passed/);
    assert.match(human.stdout, /checked on dev: 4 succeeded, 0 failed, 0 skipped/);
  } finally {
    cleanup();
  }
});

test('a protected target writes nothing without --confirm naming it; MotherDuck without a token says what to do', async () => {
  const { dir, cleanup } = tempDir('cli-mat-');
  try {
    const root = copyExample(dir);
    const refused = await cli(['materialize', 'raw.zones', '--target', 'prod', '--root', root], dir);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Target 'prod' is protected: nothing was written\. Confirm by naming it \(--confirm prod\)/);
    assert.equal(existsSync(join(root, '.asset-studio', 'prod.duckdb')), false);
    const wrongName = await cli(['materialize', 'raw.zones', '--target', 'prod', '--confirm', 'dev', '--root', root], dir);
    assert.equal(wrongName.code, 2);
    const ok = await cli(['materialize', 'raw.zones', '--target', 'prod', '--confirm', 'prod', '--json', '--root', root], dir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).target, 'prod');

    const cloud = await cli(['materialize', 'raw.zones', '--target', 'cloud', '--confirm', 'cloud', '--root', root], dir, {});
    assert.equal(cloud.code, 1);
    assert.match(cloud.stderr, /'cloud'.*MOTHERDUCK_TOKEN \(token_env\)/);
  } finally {
    cleanup();
  }
});

test('a failing error check exits non-zero and skips downstream; an unknown selection lists close matches', async () => {
  const { dir, cleanup } = tempDir('cli-mat-');
  try {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'assets', 'base.sql'),
      '/* @asset\nname: base\nchecks:\n  - not_null: [id]\n*/\nselect case when range = 1 then null else range end as id from range(3)\n',
    );
    writeFileSync(join(dir, 'assets', 'top.sql'), '/* @asset\nname: top\n*/\nselect count(*) as n from base\n');
    const r = await cli(['materialize', 'base+', '--json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const runs = JSON.parse(r.stdout).runs;
    assert.deepEqual(runs.map((x: { key: string; status: string }) => `${x.key}:${x.status}`), ['base:failed', 'top:skipped']);
    assert.deepEqual(runs[0].checks, [{ name: 'not_null_id', passed: false, severity: 'error', failing_rows: 1 }]);
    // Nothing was written: the built-in database is not left behind in the project.
    assert.equal(existsSync(join(dir, '.asset-studio', 'dev.duckdb')), false);

    const human = await cli(['materialize', 'base+'], dir);
    assert.equal(human.code, 1);
    assert.match(human.stdout, /✗ base {2}failed .*checks 0\/1 passed\n {4}error not_null_id: 1 failing row \(.*base\.sql:4\)/);
    assert.match(human.stdout, /– top {2}skipped/);

    const unknown = await cli(['materialize', 'bsae'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No asset 'bsae' in the workspace\. Did you mean: base\?/);
  } finally {
    cleanup();
  }
});

test('an asset whose file has a definition error is not run; the error names its line', async () => {
  const { dir, cleanup } = tempDir('cli-mat-');
  try {
    writeFileSync(join(dir, 'broken.sql'), '/* @asset\nname: broken\n*/\nselect {{ nope }} as x\n');
    writeFileSync(join(dir, 'fine.sql'), '/* @asset\nname: fine\n*/\nselect 1 as x\n');
    const r = await cli(['materialize', '*', '--json'], dir);
    assert.equal(r.code, 1);
    const runs = JSON.parse(r.stdout).runs;
    const broken = runs.find((x: { key: string }) => x.key === 'broken');
    assert.equal(broken.status, 'failed');
    assert.match(broken.error, /^not run: fix the definition first: .*nope.*broken\.sql:4\)$/);
    assert.equal(runs.find((x: { key: string }) => x.key === 'fine').status, 'success');
  } finally {
    cleanup();
  }
});

test('partitions from the command line: --from/--to backfills, --partition rebuilds one', async () => {
  const { dir, cleanup } = tempDir('cli-mat-');
  try {
    writeFileSync(
      join(dir, 'daily.sql'),
      '/* @asset\nname: daily\npartition: { by: day, column: day, start: 2024-03-01 }\n*/\nselect {{ partition_start }} as day, 1 as n\n',
    );
    const r = await cli(['materialize', 'daily', '--from', '2024-03-01', '--to', '2024-03-03', '--json'], dir);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(JSON.parse(r.stdout).runs[0].rows, 3);
    const again = await cli(['materialize', 'daily', '--from', '2024-03-01', '--to', '2024-03-04', '--json'], dir);
    assert.equal(JSON.parse(again.stdout).runs[0].rows, 1);
    const one = await cli(['materialize', 'daily', '--partition', '2024-03-02', '--json'], dir);
    assert.equal(JSON.parse(one.stdout).runs[0].rows, 1);
    const rows = await queryFile(join(dir, '.asset-studio', 'dev.duckdb'), 'select count(*) as n from daily');
    assert.equal(Number(rows[0]!['n']), 4);
  } finally {
    cleanup();
  }
});

test('demo: discovers the example, materializes it twice (the rerun loads 0 new trips) and reads a result back', async () => {
  const { dir, cleanup } = tempDir('cli-demo-');
  try {
    const root = copyExample(dir);
    const demo = await cli(['demo', '--root', root], dir);
    assert.equal(demo.code, 0, demo.stderr + demo.stdout);
    assert.match(demo.stdout, /Discovered 4 assets \(4 sql\), 6 edges, 0 problems/);
    const [first, second] = demo.stdout.split('second run');
    assert.match(first ?? '', /raw\/taxi_trips {2}success {2}11,500 rows/);
    assert.match(second ?? '', /raw\/taxi_trips {2}success {2}0 rows/);
    // The re-run says it is one, and why nothing loaded.
    assert.match(demo.stdout, /\nsecond run \(a re-run: nothing new to load\):\n/);
    assert.match(second ?? '', /raw\/taxi_trips loaded 0 rows: it is incremental \(watermark: pickup_at\) and its source has no row newer than the ones already stored/);
    assert.doesNotMatch(first ?? '', /loaded 0 rows|re-run/);
    // Run again, the demo starts from the earlier run's data and says so.
    const again = await cli(['demo', '--root', root], dir);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.match(again.stdout, /dev\.duckdb already holds an earlier run's data: this is a re-run/);
    assert.match(again.stdout, /\nfirst pass \(a re-run of the earlier demo\):\n(?:.*\n)*? {2}raw\/taxi_trips loaded 0 rows/);
    // Locations print relative to the project, as the user wrote them.
    assert.match(demo.stdout, /freshness_pickup_date: .* \(assets\/analytics\/daily_trips\.sql:9\)/);
    assert.match(demo.stdout, /Busiest days in analytics\.daily_trips:\n {2}\d{4}-\d{2}-\d{2} {2}\d+ trips/);
  } finally {
    cleanup();
  }
});
