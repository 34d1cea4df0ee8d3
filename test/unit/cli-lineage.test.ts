import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/nyc_taxi');

test('lineage: * expands through the upstream asset\'s own lineage before anything is built; --column lists what reads it', async () => {
  const { dir, cleanup } = tempDir('cli-lineage-');
  try {
    const root = join(dir, 'nyc_taxi');
    cpSync(EXAMPLE, root, { recursive: true, filter: (src) => !src.includes('.asset-studio') });
    writeFileSync(join(root, 'assets', 'analytics', 'trip_copy.sql'), '/* @asset\nname: analytics.trip_copy\n*/\nselect * exclude (tip_amount) from raw.taxi_trips\n');

    const copy = await cli(['lineage', 'analytics/trip_copy', '--json', '--root', root], dir);
    assert.equal(copy.code, 0, copy.stderr);
    const out = JSON.parse(copy.stdout);
    const upstream = await cli(['lineage', 'raw/taxi_trips', '--json', '--root', root], dir);
    const upstreamColumns: string[] = JSON.parse(upstream.stdout).columns.map((c: { name: string }) => c.name);
    assert.ok(upstreamColumns.includes('tip_amount'));
    assert.deepEqual(
      out.columns.map((c: { name: string }) => c.name),
      upstreamColumns.filter((c) => c !== 'tip_amount'),
    );
    for (const c of out.columns) assert.deepEqual({ kind: c.kind, sources: c.sources }, { kind: 'copy', sources: [{ asset: 'raw/taxi_trips', column: c.name }] });

    const total = await cli(['lineage', 'raw/taxi_trips', '--column', 'total_amount', '--root', root], dir);
    assert.equal(total.code, 0, total.stderr);
    assert.match(total.stdout, /^total_amount\s+← read_parquet\('data\/trips\/\*\/\*\.parquet'\)\.total_amount\s+copy$/m);
    assert.match(total.stdout, /read by: .*analytics\/daily_trips\.revenue \(transformation\)/);
    assert.match(total.stdout, /analytics\/trip_copy\.total_amount \(copy\)/);

    const missing = await cli(['lineage', 'raw/taxi_trips', '--column', 'nope', '--root', root], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /raw\/taxi_trips has no output column 'nope'; its columns: trip_id, /);
  } finally {
    cleanup();
  }
});

test('lineage of dbt models reads their compiled SQL: ref() and source() relations map back to assets', async () => {
  const { dir, cleanup } = tempDir('cli-lineage-dbt-');
  try {
    const root = join(dir, 'nyc_taxi_dbt');
    cpSync(resolve(import.meta.dirname, '../fixtures/dbt/nyc_taxi_dbt'), root, { recursive: true });
    const zone = await cli(['lineage', 'trips_by_zone', '--json', '--root', root], dir);
    assert.equal(zone.code, 0, zone.stderr);
    const columns = Object.fromEntries(JSON.parse(zone.stdout).columns.map((c: { name: string; kind: string; sources: unknown[] }) => [c.name, { kind: c.kind, sources: c.sources }]));
    assert.deepEqual(columns['zone_name'], { kind: 'copy', sources: [{ asset: 'stg_zones', column: 'zone_name' }] });
    assert.deepEqual(columns['revenue'], { kind: 'transformation', sources: [{ asset: 'stg_trips', column: 'total_amount' }] });
    // stg_trips selects * from a source whose columns are unknown (never built): its named columns still reach the source.
    const stg = await cli(['lineage', 'stg_trips', '--column', 'total_amount', '--root', root], dir);
    assert.equal(stg.code, 0, stg.stderr);
    assert.match(stg.stdout, /^total_amount\s+← raw\/taxi_trips\.total_amount\s+copy$/m);
    assert.match(stg.stdout, /read by: .*trips_by_zone\.revenue \(transformation\)/);
  } finally {
    cleanup();
  }
});
