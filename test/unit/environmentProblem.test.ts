import { test } from 'node:test';
import assert from 'node:assert/strict';
import { environmentProblemOf } from '../../src/core/engine/delegated/environmentProblem';
import { explainMissingTool, explainSpawnError } from '../../src/core/engine/delegated/toolFailure';
import { motherDuckTokenFor } from '../../src/core/project/motherDuckToken';
import { runOutcomeProblems } from '../../src/core/editorModel/checkResultProblems';
import type { DelegatedCommand } from '../../src/core/engine/delegated/delegatedCommand';
import { couldNotRun, stateText, stateTooltip } from '../../src/core/editorModel/assetLensText';
import { buildLineageView, defaultViewOptions, statusColour } from '../../webview/src/model/lineageViewModel';

// The very messages the runners write, so a change of wording breaks this test, not the editor.
const dbt = { command: 'dbt', args: ['build'], cwd: '/w', env: {} } as unknown as DelegatedCommand;
const dagster = { command: '/w/.venv/bin/python', python: '/w/.venv/bin/python', args: ['-m', 'dagster', 'asset', 'materialize'], cwd: '/w', env: {} } as unknown as DelegatedCommand;

test('missing tools, interpreters and tokens are environment problems, with what pip needs', () => {
  const dbtMissing = environmentProblemOf(explainSpawnError(dbt, 'ENOENT'));
  assert.deepEqual(dbtMissing && { kind: dbtMissing.kind, pip: dbtMissing.pipPackages }, { kind: 'tool', pip: 'dbt-duckdb' });
  const interpreter = environmentProblemOf(explainSpawnError(dagster, 'ENOENT'));
  assert.equal(interpreter?.kind, 'interpreter');
  const noDagster = environmentProblemOf(explainMissingTool(dagster, ["/w/.venv/bin/python: No module named dagster"]));
  assert.deepEqual(noDagster && { kind: noDagster.kind, pip: noDagster.pipPackages }, { kind: 'tool', pip: 'dagster dagster-duckdb' });
  const noAdapter = environmentProblemOf(explainMissingTool(dbt, ['Could not find adapter type duckdb!']));
  assert.equal(noAdapter?.pipPackages, 'dbt-duckdb');
  const noModule = environmentProblemOf(explainMissingTool(dagster, ["ModuleNotFoundError: No module named 'pandas'"]));
  assert.equal(noModule?.pipPackages, 'pandas');
  const token = environmentProblemOf(motherDuckTokenFor({ name: 'prod', database: 'analytics', tokenEnv: 'MOTHERDUCK_TOKEN' }, { env: {} }).hint);
  assert.equal(token?.kind, 'token');
});

test('errors in the user’s code or data are not environment problems', () => {
  for (const text of [
    'Catalog Error: Table with name nope does not exist!',
    "check 'x': table raw.zones does not exist on this target; materialize it first",
    'dbt failed: Compilation Error in model orders',
    undefined,
  ]) {
    assert.equal(environmentProblemOf(text), undefined, String(text));
  }
});

test('a run that failed for a missing tool puts no problem in the user’s code', () => {
  const asset = { location: { file: '/w/models/orders.sql', line: 1, column: 1 }, checks: [] };
  const missing = runOutcomeProblems({ key: 'orders', status: 'failed', error: explainSpawnError(dbt, 'ENOENT'), checks: [] }, asset, 'dev');
  assert.deepEqual(missing, []);
  const broken = runOutcomeProblems({ key: 'orders', status: 'failed', error: 'Parser Error: syntax error at or near "form"', checks: [] }, asset, 'dev');
  assert.equal(broken.length, 1);
  assert.equal(broken[0]!.severity, 'error');
});

test('an asset whose last run found its tool missing reads "could not run", not "failed", in the lens, the Assets view and the lineage', () => {
  const now = Date.parse('2026-12-03T10:00:00Z');
  const missing = { status: 'failed' as const, error: explainSpawnError(dbt, 'ENOENT'), finishedAt: now - 120_000 };
  assert.equal(couldNotRun(missing), true);
  assert.equal(stateText(missing, now), 'could not run 2m ago');
  assert.match(stateTooltip(missing, 'dev'), /^Could not run on 'dev' .*: dbt was not found/);
  const broken = { status: 'failed' as const, error: 'Parser Error: syntax error at or near "form"', finishedAt: now - 120_000 };
  assert.equal(couldNotRun(broken), false);
  assert.equal(stateText(broken, now), 'failed 2m ago');
  const view = buildLineageView(
    { nodes: [{ id: 'orders', label: 'orders', source: 'dbt', state: 'could-not-run', checks: { passed: 0, failed: 0, total: 0 } }], edges: [] },
    defaultViewOptions,
    now,
  );
  assert.equal(view.nodes[0]!.statusClass, 'status-could-not-run');
  assert.equal(view.nodes[0]!.detail, 'could not run');
  assert.notEqual(view.nodes[0]!.colour, statusColour('failed'));
});
