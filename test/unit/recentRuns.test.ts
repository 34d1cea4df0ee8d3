import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { runPlan } from '../../src/core/engine/planRunner';
import { readRecentRuns } from '../../src/core/engine/recentRuns';
import { duckTarget, sqlAsset, tempDir, testGraph } from './engineFixtures';

test('recent runs of one asset on one target, newest first, limited; none (and no file created) before any run', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    assert.deepEqual(await readRecentRuns(target, 'a', { projectRoot: dir }), []);
    assert.equal(existsSync(target.path!), false);
    const good = testGraph(dir, [sqlAsset({ name: 'a', sql: 'select 1 as x union all select 2' }), sqlAsset({ name: 'b', sql: 'select 1 as y' })]);
    const bad = testGraph(dir, [sqlAsset({ name: 'a', sql: 'select x from nope_missing' }), sqlAsset({ name: 'b', sql: 'select 1 as y' })]);
    await runPlan(planMaterialization(good, parseSelection('a b')), good, target, { projectRoot: dir });
    await new Promise((r) => setTimeout(r, 5));
    await runPlan(planMaterialization(bad, parseSelection('a')), bad, target, { projectRoot: dir });
    await new Promise((r) => setTimeout(r, 5));
    await runPlan(planMaterialization(good, parseSelection('a')), good, target, { projectRoot: dir });
    const runs = await readRecentRuns(target, 'a', { projectRoot: dir });
    assert.deepEqual(runs.map((r) => [r.status, r.rows]), [['success', 2], ['failed', null], ['success', 2]]);
    assert.match(runs[1]!.error!, /nope_missing/);
    assert.ok(runs[0]!.finishedAt >= runs[1]!.finishedAt && runs[1]!.finishedAt >= runs[2]!.finishedAt);
    assert.ok(runs.every((r) => r.finishedAt >= r.startedAt));
    assert.equal((await readRecentRuns(target, 'a', { projectRoot: dir }, 2)).length, 2);
    assert.equal((await readRecentRuns(target, 'b', { projectRoot: dir })).length, 1);
    // Another target's runs are not this one's.
    assert.deepEqual(await readRecentRuns({ ...target, name: 'other' }, 'a', { projectRoot: dir }), []);
  } finally {
    cleanup();
  }
});
