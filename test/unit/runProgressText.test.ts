import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStateBookkeeping, runProgressText } from '../../src/core/editorModel/runProgressText';
import { recordRunsSql, saveWatermarkSql, STATE_DDL } from '../../src/core/engine/stateStore';

test('progress names the step and how many there are', () => {
  assert.equal(runProgressText(3, 8, 'raw/taxi_trips'), '3 of 8 · raw/taxi_trips');
  assert.equal(runProgressText(1, 1, 'raw/zones'), 'raw/zones');
  assert.equal(runProgressText(2, undefined, 'raw/zones'), 'raw/zones');
});

test('the state schema’s own statements are bookkeeping; the user’s are not', () => {
  const record = recordRunsSql([
    { runId: 'r1', key: 'raw/zones', status: 'success', rows: 20, startedAt: new Date(), finishedAt: new Date(), definitionHash: 'h', error: null, target: 'dev', checks: [] },
  ]);
  for (const sql of [STATE_DDL, record!, saveWatermarkSql('raw/taxi_trips', '"raw"."taxi_trips"', '"pickup_at"', 'r1')]) {
    assert.equal(isStateBookkeeping(sql), true, sql);
  }
  for (const sql of [
    'CREATE OR REPLACE TABLE "raw"."zones" AS\nselect * from read_csv(\'data/zones.csv\')',
    'CREATE SCHEMA IF NOT EXISTS "raw"',
    "select * from \"analytics\".\"daily\" where note = 'asset studio'",
  ]) {
    assert.equal(isStateBookkeeping(sql), false, sql);
  }
});
