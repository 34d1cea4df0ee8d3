import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AssetDefinition } from '../../src/core/asset';
import { assetRelation } from '../../src/core/data/assetRelation';
import { duckTarget, sqlAsset, testGraph } from './engineFixtures';

function dagster(key: string[], extra: Partial<AssetDefinition['dagster']> = {}): AssetDefinition {
  return {
    key,
    source: 'dagster',
    location: { file: '/ws/defs.py', line: key.length, column: 1 },
    deps: [],
    checks: [],
    definitionHash: key.join('/'),
    dagster: { file: '/ws/defs.py', ...extra },
  };
}

test('the relation read for SQL and Dagster assets: the name, else the target schema; a key as schema/table', async () => {
  const target = duckTarget('/tmp/none', { schema: 'dev_schema' });
  const graph = testGraph('/ws', [
    sqlAsset({ name: 'raw.zones', sql: 'select 1' }, '/ws/a.sql'),
    sqlAsset({ name: 'trips', sql: 'select 1' }, '/ws/b.sql'),
    dagster(['analytics', 'orders']),
    dagster(['customers']),
    dagster(['my_dbt_assets'], { dbtAssets: true }),
  ]);
  const of = async (key: string) => {
    const r = await assetRelation(graph.nodes.get(key)!, target);
    return r.ok ? r.relation : `error: ${r.message}`;
  };
  assert.equal(await of('raw/zones'), '"raw"."zones"');
  assert.equal(await of('trips'), '"dev_schema"."trips"');
  assert.equal(await of('analytics/orders'), '"analytics"."orders"');
  assert.equal(await of('customers'), '"dev_schema"."customers"');
  // A @dbt_assets function is the op that runs the models, not an asset: there is nothing to preview.
  assert.equal(graph.nodes.get('my_dbt_assets'), undefined);
});
