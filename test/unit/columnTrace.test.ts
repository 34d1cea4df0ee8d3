import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from './engineFixtures';
import { loadWorkspace } from '../../src/core/engine/materializeWorkspace';
import { AssetColumnLineageReader } from '../../src/core/lineage/assetColumnLineage';
import { assetOutputColumns, traceColumn } from '../../src/core/lineage/columnTrace';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/nyc_taxi');

/** The example project plus an asset renaming a column two steps below raw.zones, nothing built. */
async function workspace(dir: string) {
  const root = join(dir, 'nyc_taxi');
  cpSync(EXAMPLE, root, { recursive: true, filter: (src) => !src.includes('.asset-studio') });
  writeFileSync(
    join(root, 'assets', 'analytics', 'borough_report.sql'),
    '/* @asset\nname: analytics.borough_report\n*/\nselect borough as borough_name, upper(borough) as shout, trips from analytics.trips_by_borough\n',
  );
  const { graph } = await loadWorkspace(root);
  return { graph, reader: new AssetColumnLineageReader(graph, async () => undefined) };
}

const text = (l: { from: { asset: string; column: string }; to: { asset: string; column: string }; kind: string }) =>
  `${l.from.asset}.${l.from.column} -> ${l.to.asset}.${l.to.column} (${l.kind})`;

test('a column traces upstream to the source it is read from and downstream through every dependent, copy or transformation', async () => {
  const { dir, cleanup } = tempDir('column-trace-');
  try {
    const { graph, reader } = await workspace(dir);
    const zones = await traceColumn(reader, graph, 'raw/zones', 'borough');
    const csv = [...graph.nodes.keys()].find((k) => k.startsWith('read_csv('))!;
    assert.deepEqual(zones.links.map(text).sort(), [
      `${csv}.borough -> raw/zones.borough (copy)`,
      'analytics/trips_by_borough.borough -> analytics/borough_report.borough_name (copy)',
      'analytics/trips_by_borough.borough -> analytics/borough_report.shout (transformation)',
      'raw/zones.borough -> analytics/trips_by_borough.borough (copy)',
    ].sort());
    assert.equal(zones.truncated, false);
    // Every asset touched comes with its columns, and the traced ones are among them.
    const byKey = new Map(zones.assets.map((a) => [a.key, a.columns.map((c) => c.name)]));
    assert.deepEqual([...byKey.keys()].sort(), [csv, 'analytics/borough_report', 'analytics/trips_by_borough', 'raw/zones'].sort());
    assert.deepEqual(byKey.get('analytics/borough_report'), ['borough_name', 'shout', 'trips']);
    assert.ok(byKey.get(csv)!.includes('borough'));

    // A column computed from two upstream columns in two assets: both are its upstream; nothing reads it.
    const fare = await traceColumn(reader, graph, 'analytics/trips_by_borough', 'avg_fare');
    const parquet = [...graph.nodes.keys()].find((k) => k.startsWith('read_parquet('))!;
    assert.deepEqual(fare.links.map(text).sort(), [
      `${parquet}.fare_amount -> raw/taxi_trips.fare_amount (copy)`,
      'raw/taxi_trips.fare_amount -> analytics/trips_by_borough.avg_fare (transformation)',
    ].sort());
  } finally {
    cleanup();
  }
});

test('a trace stops at its limit, keeping the nearest links, and says so', async () => {
  const { dir, cleanup } = tempDir('column-trace-limit-');
  try {
    const { graph, reader } = await workspace(dir);
    const cut = await traceColumn(reader, graph, 'raw/zones', 'borough', 2);
    assert.equal(cut.truncated, true);
    assert.equal(cut.links.length, 2);
    // Breadth first: the direct source and a direct dependent, never the two-step one.
    assert.ok(cut.links.every((l) => l.to.asset !== 'analytics/borough_report'));
  } finally {
    cleanup();
  }
});

test('an external source lists the columns its dependents read; an unknown asset says so', async () => {
  const { dir, cleanup } = tempDir('column-trace-cols-');
  try {
    const { graph, reader } = await workspace(dir);
    const parquet = [...graph.nodes.keys()].find((k) => k.startsWith('read_parquet('))!;
    const external = await assetOutputColumns(reader, graph, parquet);
    assert.ok(external.columns.some((c) => c.name === 'fare_amount'));
    assert.ok(external.columns.every((c) => c.kind === undefined && c.sources.length === 0));
    assert.match(external.note ?? '', /external source: the columns its dependents read/);
    const trips = await assetOutputColumns(reader, graph, 'raw/taxi_trips');
    assert.deepEqual(trips.columns.find((c) => c.name === 'zone_id'), { name: 'zone_id', kind: 'copy', sources: [{ asset: parquet, column: 'zone_id' }] });
    const missing = await assetOutputColumns(reader, graph, 'nope/nothing');
    assert.deepEqual(missing.columns, []);
    assert.match(missing.note ?? '', /No asset 'nope\/nothing'/);
  } finally {
    cleanup();
  }
});
