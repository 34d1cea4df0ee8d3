import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbtOpLens } from '../../src/core/editorModel/assetLensModel';

test('the lens above @dbt_assets says it is the op that runs the models and opens their lineage, with no Materialize of itself', () => {
  const at = { file: '/w/dbt.py', line: 9, column: 1 };
  const lens = dbtOpLens({ name: 'dbt_bluesky', location: at, models: ['latest_feed', 'stg_profiles'] });
  assert.deepEqual(lens, {
    title: 'dbt op: runs 2 dbt models',
    command: 'assetStudio.showLineage',
    args: ['latest_feed'],
    tooltip: 'dbt_bluesky is a Dagster op, not an asset: it materializes latest_feed, stg_profiles',
  });
  assert.deepEqual(
    [dbtOpLens({ name: 'empty', location: at, models: [] }).title, dbtOpLens({ name: 'empty', location: at, models: [] }).command],
    ['dbt op: runs dbt models (none in this workspace)', ''],
  );
});
