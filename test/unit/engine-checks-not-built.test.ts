import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { runPlan } from '../../src/core/engine/planRunner';
import { readAssetStates } from '../../src/core/engine/assetStates';
import { runOutcomeProblems } from '../../src/core/editorModel/checkResultProblems';
import { runSummary } from '../../src/core/editorModel/runSummaryText';
import { duckTarget, sqlAsset, tempDir, testGraph } from './engineFixtures';

const checks = [
  { name: 'not_null_x', config: { sql: 'select * from {{ this }} where x is null' } },
  { name: 'small', config: { sql: 'select * from {{ this }} where x > 10' } },
  { name: 'warned', severity: 'warn' as const, config: { sql: 'select * from {{ this }} where x > 0' } },
];

test('checks of an asset never built on the target could not run: one skipped outcome with one reason, no failed check, no problem', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const graph = testGraph(dir, [
      sqlAsset({ name: 'raw.built', sql: 'select 1 as x', checks }),
      sqlAsset({ name: 'raw.never', sql: 'select 1 as x', checks }),
      sqlAsset({ name: 'raw.as_view', kind: 'view', sql: 'select 1 as x', checks }),
    ]);
    await runPlan(planMaterialization(graph, parseSelection('raw/built raw/as_view')), graph, target, { projectRoot: dir });
    const result = await runPlan(planMaterialization(graph, parseSelection('*')), graph, target, { projectRoot: dir, checksOnly: true });
    const by = new Map(result.runs.map((r) => [r.key, r]));

    const never = by.get('raw/never')!;
    assert.equal(never.status, 'skipped');
    assert.deepEqual(never.checks, [], 'no check is reported as failed');
    assert.match(never.error!, /raw\/never is not materialized on target 'dev', so its 3 checks could not run: materialize it first/);
    // The built table and the built view were checked as usual.
    assert.equal(by.get('raw/built')!.status, 'success');
    assert.equal(by.get('raw/built')!.checks.length, 3);
    assert.equal(by.get('raw/as_view')!.checks.length, 3);

    // The editor: nothing in Problems for it, and one message (a warning) for the whole run.
    const outcome = { key: never.key, status: never.status, ...(never.error ? { error: never.error } : {}), checks: [] };
    assert.deepEqual(runOutcomeProblems(outcome, { location: { file: '/f.sql', line: 1, column: 1 }, checks: [] }, 'dev', true), []);
    const summary = runSummary('Checked', [outcome], 'dev', 40);
    assert.equal(summary.ok, false);
    assert.equal(summary.couldNotRun, true);
    assert.equal(summary.text.match(/could not run/gi)?.length, 1, summary.text);
    assert.doesNotMatch(summary.text, /failed/);

    // Nothing was recorded as a failed check for the never-built asset.
    const states = await readAssetStates(target, graph, { projectRoot: dir });
    assert.equal(states.get('raw/never')!.status, 'never');
    assert.deepEqual(states.get('raw/never')!.failingChecks, []);
  } finally {
    cleanup();
  }
});
