import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { runPlan } from '../../src/core/engine/planRunner';
import { readAssetStates } from '../../src/core/engine/assetStates';
import { stateText } from '../../src/core/editorModel/assetLensText';
import { duckTarget, execFile, sqlAsset, tempDir, testGraph } from './engineFixtures';

test('an incremental asset whose run added no rows shows the rows its table holds, with +0 beside them', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    await execFile(target.path!, "create table src as select range as id, timestamp '2024-01-01' + to_hours(range) as ts from range(1150)");
    const graph = testGraph(dir, [
      sqlAsset({ name: 'inc', kind: 'incremental', sql: 'select id, ts from src', uniqueKey: ['id'], watermark: 'ts' }),
      sqlAsset({ name: 'full', sql: 'select id from src where id < 7' }),
    ]);
    const plan = planMaterialization(graph, parseSelection('*'));
    const first = await runPlan(plan, graph, target, { projectRoot: dir });
    assert.deepEqual(first.runs.map((r) => `${r.key}:${r.status}:${r.error ?? ''}`).sort(), ['full:success:', 'inc:success:']);
    let states = await readAssetStates(target, graph, { projectRoot: dir });
    assert.equal(states.get('inc')!.rows, 1150);
    assert.equal(states.get('inc')!.rowsAdded, 1150);
    // A plain table's rows are its run's: nothing counted again, nothing "added".
    assert.equal(states.get('full')!.rows, 7);
    assert.equal(states.get('full')!.rowsAdded, undefined);

    const second = await runPlan(planMaterialization(graph, parseSelection('inc')), graph, target, { projectRoot: dir });
    assert.equal(second.runs[0]!.rows, 0);
    states = await readAssetStates(target, graph, { projectRoot: dir });
    assert.equal(states.get('inc')!.rows, 1150);
    assert.equal(states.get('inc')!.rowsAdded, 0);
    assert.match(stateText(states.get('inc'), Date.now()), /^1,150 rows \(\+0 last run\) · /);

    // The table dropped by hand since: no count, the run's figure, no error.
    await execFile(target.path!, 'drop table inc');
    states = await readAssetStates(target, graph, { projectRoot: dir });
    assert.equal(states.get('inc')!.rows, 0);
    assert.equal(states.get('inc')!.status, 'fresh');
  } finally {
    cleanup();
  }
});

test('a partitioned asset shows the partitions done with its current definition, of those from its start to today', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const start = new Date(Date.now() - 9 * 86_400_000).toISOString().slice(0, 10);
    const daily = (hash: string) =>
      testGraph(dir, [
        sqlAsset({ name: 'daily', sql: 'select {{ partition_start }} as day, 1 as v', partition: { by: 'day', column: 'day', start }, hash }),
      ]);
    const graph = daily('d1');
    const plan = planMaterialization(graph, parseSelection('daily'));
    const to = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    await runPlan(plan, graph, target, { projectRoot: dir, partitions: { from: start, to } });
    const states = await readAssetStates(target, graph, { projectRoot: dir });
    assert.deepEqual(states.get('daily')!.partitions, { done: 4, total: 10 });
    assert.equal(states.get('daily')!.rows, 4);
    assert.match(stateText(states.get('daily'), Date.now()), /4 \/ 10 partitions/);
    // Partitions built with an older definition do not count as done.
    const changed = await readAssetStates(target, daily('d2'), { projectRoot: dir });
    assert.deepEqual(changed.get('daily')!.partitions, { done: 0, total: 10 });
  } finally {
    cleanup();
  }
});
