import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { discoverWorkspace } from '../../src/core/discovery/workspaceIndex';
import { assetHoverMarkdown, columnHoverMarkdown } from '../../src/core/editorModel/assetHoverText';
import { readAssetColumns, readAssetsColumns } from '../../src/core/data/assetColumns';
import type { TargetConfig } from '../../src/core/project/targetConfig';

const fixtures = resolve(__dirname, '../fixtures');

test('hover text: key, kind, source, description, where it is defined, state with checks, columns, and command links', async () => {
  const root = join(fixtures, 'sql');
  const g = await discoverWorkspace(root);
  const node = g.nodes.get('analytics/daily_trips')!;
  const now = Date.UTC(2026, 0, 2, 12);
  const never = assetHoverMarkdown({ node, root, state: undefined, targetName: 'dev', nowMs: now });
  assert.match(never, /^\*\*`analytics\/daily_trips`\*\* — incremental · SQL asset/);
  assert.ok(never.includes(`\n${node.definition.description}\n`), 'the description');
  assert.match(never, /Defined in `assets\/analytics\/daily_trips\.sql:1`/);
  assert.match(never, /\*\*dev\*\*: never materialized/);
  assert.ok(!never.includes('previewData'), 'nothing to preview before a build');
  assert.ok(!never.includes('| column |'));
  const link = `command:assetStudio.materialize?${encodeURIComponent(JSON.stringify(['analytics/daily_trips']))}`;
  assert.ok(never.includes(link), 'a Materialize link with the key as its argument');

  const checks = new Map(node.checks.map((c) => [c.name, { name: c.name, passed: true, severity: 'error' as const, failingRows: 0 }]));
  const fresh = assetHoverMarkdown({
    node,
    root,
    state: { status: 'fresh', rows: 1234, finishedAt: now - 3 * 60_000, checks },
    targetName: 'prod',
    nowMs: now,
    columns: [{ name: 'pickup_date', type: 'DATE' }, { name: 'trips', type: 'BIGINT' }],
  });
  assert.match(fresh, /\*\*prod\*\*: 1,234 rows · 3m ago · ✓ \d+ checks?/);
  assert.match(fresh, /\| `pickup_date` \| `DATE` \|/);
  assert.match(fresh, /\| `trips` \| `BIGINT` \|/);
  assert.ok(fresh.includes('command:assetStudio.previewData'));
  assert.ok(!fresh.includes('hover again'));
  // Built, columns not read yet (the hover does not wait past its budget): said, not left out silently.
  const pending = assetHoverMarkdown({ node, root, state: { status: 'fresh', rows: 1, finishedAt: now }, targetName: 'prod', nowMs: now, columnsPending: true });
  assert.match(pending, /Reading its columns on prod: hover again to see them/);
  assert.ok(!pending.includes('| column |'));

  const stale = assetHoverMarkdown({ node, root, state: { status: 'stale', staleReason: 'raw/taxi_trips was materialized later' }, targetName: 'dev', nowMs: now });
  assert.match(stale, /raw\/taxi\\_trips was materialized later/);

  const external = g.nodes.get("read_csv('data/taxi_zones.csv')")!;
  const ext = assetHoverMarkdown({ node: external, root, state: undefined, targetName: 'dev', nowMs: now });
  assert.match(ext, /external source/);
  assert.ok(!ext.includes('materialize?'), 'an external source cannot be materialized');
  assert.ok(!ext.includes('Defined in'));
});

test('columns of a materialized asset come from the target catalog; a missing relation says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-hover-'));
  try {
    const root = join(fixtures, 'sql');
    const g = await discoverWorkspace(root);
    const node = g.nodes.get('analytics/daily_trips')!;
    const file = join(dir, 'dev.duckdb');
    const target = { name: 'dev', type: 'duckdb', path: file, schema: 'main', threads: 1, env: {} } as unknown as TargetConfig;
    const missing = await readAssetColumns(node, target, { projectRoot: dir });
    assert.equal(missing.ok, false);
    const db = await DuckDBInstance.create(file);
    const conn = await db.connect();
    await conn.run('create schema analytics; create table analytics.daily_trips (pickup_date date, trips bigint, revenue decimal(10,2))');
    conn.closeSync();
    db.closeSync();
    const read = await readAssetColumns(node, target, { projectRoot: dir });
    assert.ok(read.ok);
    assert.deepEqual(read.columns, [
      { name: 'pickup_date', type: 'DATE' },
      { name: 'trips', type: 'BIGINT' },
      { name: 'revenue', type: 'DECIMAL(10,2)' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hover on an output column says where its value comes from', () => {
  const copy = columnHoverMarkdown('analytics/daily_trips', { name: 'pickup_date', kind: 'copy', sources: [{ asset: 'raw/taxi_trips', column: 'pickup_at' }] });
  assert.match(copy, /^\*\*`pickup_date`\*\* — output column of `analytics\/daily_trips`/);
  assert.match(copy, /a copy of `raw\/taxi_trips`\.`pickup_at`/);
  const computed = columnHoverMarkdown('a', { name: 'revenue', kind: 'transformation', sources: [{ asset: 'x', column: 'fare' }, { asset: 'y', column: 'tip' }] });
  assert.match(computed, /computed from `x`\.`fare`, `y`\.`tip`/);
  assert.match(columnHoverMarkdown('a', { name: 'trips', kind: 'transformation', sources: [] }), /computed from no upstream column/);
});

test('columns of several assets on one connection: each its own answer, a missing relation or database named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hover-columns-many-'));
  try {
    const g = await discoverWorkspace(join(fixtures, 'sql'));
    const daily = g.nodes.get('analytics/daily_trips')!;
    const revenue = g.nodes.get('analytics/zone_revenue')!;
    const file = join(dir, 'dev.duckdb');
    const target = { name: 'dev', type: 'duckdb', path: file, schema: 'main', threads: 1, env: {} } as unknown as TargetConfig;
    const none = await readAssetsColumns([daily, revenue], target, { projectRoot: dir });
    for (const id of ['analytics/daily_trips', 'analytics/zone_revenue']) {
      const r = none.get(id);
      assert.ok(r && !r.ok && r.message.includes(`${id} on target 'dev'`) && r.message.includes('does not exist yet'), JSON.stringify(r));
    }
    const db = await DuckDBInstance.create(file);
    const conn = await db.connect();
    await conn.run('create schema analytics; create table analytics.daily_trips (pickup_date date, trips bigint)');
    conn.closeSync();
    db.closeSync();
    const read = await readAssetsColumns([daily, revenue], target, { projectRoot: dir });
    assert.deepEqual(read.get('analytics/daily_trips'), { ok: true, columns: [{ name: 'pickup_date', type: 'DATE' }, { name: 'trips', type: 'BIGINT' }] });
    const missing = read.get('analytics/zone_revenue');
    assert.ok(missing && !missing.ok);
    assert.match(missing.message, /^analytics\/zone_revenue on target 'dev': .*zone_revenue/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
