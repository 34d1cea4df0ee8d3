import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { duckTarget, execFile, tempDir } from './engineFixtures';
import { loadWorkspace } from '../../src/core/engine/materializeWorkspace';
import { PanelColumnLineage } from '../../src/extension/lineage/panelColumnLineage';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/nyc_taxi');

test('the panel reads columns on the current target: the catalog first, read again after invalidate (a run), never across targets', async () => {
  const { dir, cleanup } = tempDir('panel-columns-');
  try {
    const root = join(dir, 'nyc_taxi');
    cpSync(EXAMPLE, root, { recursive: true, filter: (src) => !src.includes('.asset-studio') });
    writeFileSync(join(root, 'assets', 'analytics', 'trip_copy.sql'), '/* @asset\nname: analytics.trip_copy\n*/\nselect * from raw.taxi_trips\n');
    const { graph } = await loadWorkspace(root);
    let target = duckTarget(dir);
    const panel = new PanelColumnLineage({ current: () => ({ root, graph }), targetFor: () => target, token: async () => undefined });

    // Nothing built: `*` expands through raw.taxi_trips' own lineage.
    const before = await panel.columns('analytics/trip_copy');
    assert.ok(before.columns.some((c) => c.name === 'fare_amount'));

    // raw.taxi_trips built with other columns: the reader keeps what it read until told the data changed.
    await execFile(target.path!, 'create schema raw; create table raw.taxi_trips as select 1 as trip_id, 2.5 as fare_cents');
    assert.ok((await panel.columns('analytics/trip_copy')).columns.some((c) => c.name === 'fare_amount'));
    panel.invalidate();
    const after = await panel.columns('analytics/trip_copy');
    assert.deepEqual(after.columns.map((c) => c.name), ['trip_id', 'fare_cents']);
    const trace = await panel.trace('analytics/trip_copy', 'fare_cents');
    assert.ok(!('error' in trace));
    assert.deepEqual(trace.links.map((l) => `${l.from.asset}.${l.from.column} -> ${l.to.asset}.${l.to.column} ${l.kind}`), [
      'raw/taxi_trips.fare_cents -> analytics/trip_copy.fare_cents copy',
    ]);

    // Another target (nothing built there) is read on its own, without invalidate.
    target = duckTarget(join(dir, 'other'), { name: 'prod' });
    assert.ok((await panel.columns('analytics/trip_copy')).columns.some((c) => c.name === 'fare_amount'));

    const none = new PanelColumnLineage({ current: () => undefined, targetFor: () => target, token: async () => undefined });
    assert.match((await none.columns('analytics/trip_copy')).note ?? '', /No workspace folder/);
    assert.deepEqual(await none.trace('analytics/trip_copy', 'x'), { error: 'No workspace folder with assets, or no target selected.' });
  } finally {
    cleanup();
  }
});
