import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { runPlan } from '../../src/core/engine/planRunner';
import { readAssetStates } from '../../src/core/engine/assetStates';
import { duckTarget, sqlAsset, tempDir, testGraph } from './engineFixtures';

test('asset states: never without a file (not created), then fresh, stale on a changed definition or a later upstream, failed', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const defs = (hashA = 'a1', badB = false) => [
      sqlAsset({ name: 'a', sql: 'select 1 as x', hash: hashA }),
      sqlAsset({
        name: 'b',
        sql: badB ? 'select x from nope_missing' : 'select x from a',
        deps: ['a'],
        hash: badB ? 'b2' : 'b1',
        checks: [{ name: 'x_small', type: 'sql', severity: 'warn', config: { sql: 'select * from {{ this }} where x > 0' } }],
      }),
      sqlAsset({ name: 'c', sql: 'select x from b', deps: ['b'], hash: 'c1' }),
    ];
    const graph = testGraph(dir, defs());
    const none = await readAssetStates(target, graph, { projectRoot: dir });
    assert.deepEqual([...none.values()].map((s) => s.status), ['never', 'never', 'never']);
    assert.equal(existsSync(target.path!), false);

    await runPlan(planMaterialization(graph, parseSelection('*')), graph, target, { projectRoot: dir });
    let states = await readAssetStates(target, graph, { projectRoot: dir });
    assert.deepEqual([...states.values()].map((s) => `${s.key}:${s.status}:${s.rows}`), ['a:fresh:1', 'b:fresh:1', 'c:fresh:1']);
    assert.deepEqual(states.get('b')!.failingChecks, ['x_small']);
    assert.equal(states.get('b')!.checks!.get('x_small')!.failingRows, 1);
    assert.ok(states.get('a')!.finishedAt! > 0);

    // A changed definition makes that asset stale; nothing else.
    states = await readAssetStates(target, testGraph(dir, defs('a2')), { projectRoot: dir });
    assert.equal(states.get('a')!.status, 'stale');
    assert.match(states.get('a')!.staleReason!, /definition changed/);
    assert.equal(states.get('b')!.status, 'fresh');

    // Materializing only a makes everything downstream of it stale.
    await new Promise((r) => setTimeout(r, 5));
    await runPlan(planMaterialization(graph, parseSelection('a')), graph, target, { projectRoot: dir });
    states = await readAssetStates(target, graph, { projectRoot: dir });
    assert.deepEqual([...states.values()].map((s) => s.status), ['fresh', 'stale', 'stale']);
    assert.match(states.get('c')!.staleReason!, /upstream a/);

    // A failed run shows as failed with its error; the last good row count stays.
    const broken = testGraph(dir, defs('a1', true));
    await runPlan(planMaterialization(broken, parseSelection('b')), broken, target, { projectRoot: dir });
    states = await readAssetStates(target, broken, { projectRoot: dir });
    assert.equal(states.get('b')!.status, 'failed');
    assert.match(states.get('b')!.error!, /nope_missing/);
    assert.equal(states.get('b')!.rows, 1);
  } finally {
    cleanup();
  }
});

test("a check's state is its latest result: an error from an earlier run does not stick to it once it runs fine", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const graph = (column: string) =>
      testGraph(dir, [sqlAsset({ name: 'a', sql: `select 1 as ${column}`, hash: column, checks: [{ name: 'x_not_null', type: 'not_null', severity: 'warn', config: { column: 'x' } }] })]);
    const broken = graph('y');
    await runPlan(planMaterialization(broken, parseSelection('a')), broken, target, { projectRoot: dir });
    let check = (await readAssetStates(target, broken, { projectRoot: dir })).get('a')!.checks!.get('x_not_null')!;
    assert.equal(check.passed, false);
    assert.match(check.error!, /column 'x'/);

    const fixed = graph('x');
    await new Promise((r) => setTimeout(r, 5));
    await runPlan(planMaterialization(fixed, parseSelection('a')), fixed, target, { projectRoot: dir });
    check = (await readAssetStates(target, fixed, { projectRoot: dir })).get('a')!.checks!.get('x_not_null')!;
    assert.equal(check.passed, true);
    assert.equal(check.error, undefined);
  } finally {
    cleanup();
  }
});
