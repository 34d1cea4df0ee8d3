import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { runPlan } from '../../src/core/engine/planRunner';
import { readAssetStates } from '../../src/core/engine/assetStates';
import { readRecentRuns } from '../../src/core/engine/recentRuns';
import { buildAssetDetails } from '../../src/core/lineage/lineageDetails';
import { duckTarget, sqlAsset, tempDir, testGraph } from './engineFixtures';

test('details of an asset: definition, each check with its latest result in words, neighbours and last runs', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const graph = testGraph(dir, [
      sqlAsset({ name: 'raw.src', sql: 'select range as x from range(5)' }),
      sqlAsset({
        name: 'mart.out',
        sql: 'select x from raw.src',
        deps: ['raw.src'],
        checks: [
          { name: 'small', config: { sql: 'select * from {{ this }} where x > 100' } },
          { name: 'positive', severity: 'warn', config: { sql: 'select * from {{ this }} where x = 0' } },
          { name: 'later', type: 'sql', config: { sql: 'select 1 where false' } },
        ],
      }),
      sqlAsset({ name: 'mart.top', sql: 'select * from mart.out', deps: ['mart.out'] }),
    ]);
    await runPlan(planMaterialization(graph, parseSelection('+mart/out')), graph, target, { projectRoot: dir });
    const states = await readAssetStates(target, graph, { projectRoot: dir });
    const runs = await readRecentRuns(target, 'mart/out', { projectRoot: dir });
    const d = buildAssetDetails(graph, 'mart/out', states.get('mart/out'), runs, 'dev')!;
    assert.equal(d.key, 'mart/out');
    assert.equal(d.relation, 'mart.out');
    assert.equal(d.state, 'fresh');
    assert.equal(d.target, 'dev');
    assert.deepEqual(d.upstream, ['raw/src']);
    assert.deepEqual(d.downstream, ['mart/top']);
    const byName = new Map(d.checks.map((c) => [c.name, c]));
    assert.equal(byName.get('small')!.status, 'passed');
    assert.equal(byName.get('positive')!.status, 'warned');
    assert.match(byName.get('positive')!.message!, /1 failing row/);
    assert.equal(byName.get('later')!.status, 'passed');
    assert.deepEqual(d.runs.map((r) => [r.status, r.rows]), [['success', 5]]);
    // An asset never run: every check 'not run', no runs; an unknown key: nothing.
    const top = buildAssetDetails(graph, 'mart/top', states.get('mart/top'), await readRecentRuns(target, 'mart/top', { projectRoot: dir }), 'dev')!;
    assert.equal(top.state, 'never');
    assert.deepEqual(top.runs, []);
    assert.equal(buildAssetDetails(graph, 'nope', undefined, [], 'dev'), undefined);
    // Runs that could not be read say why instead of an empty list that would look like "never run".
    const offline = buildAssetDetails(graph, 'mart/out', states.get('mart/out'), { error: 'target unreachable' }, 'prod')!;
    assert.equal(offline.runsError, 'target unreachable');
  } finally {
    cleanup();
  }
});
