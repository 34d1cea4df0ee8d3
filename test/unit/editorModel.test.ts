import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AssetNode } from '../../src/core/graph/assetGraph';
import type { CheckDefinition } from '../../src/core/asset';
import type { AssetRunOutcome, AssetStateView, CheckOutcome } from '../../src/core/editorModel/assetRunOutcome';
import { formatAgo, formatCount, formatDuration } from '../../src/core/editorModel/relativeTime';
import { checkSummaryText, stateText, stateTooltip } from '../../src/core/editorModel/assetLensText';
import { assetLenses, canRunChecks, isMaterializable, lensFingerprint } from '../../src/core/editorModel/assetLensModel';
import { isBuildable } from '../../src/core/engine/materializationPlan';
import { formatSampleRows, runOutcomeProblems } from '../../src/core/editorModel/checkResultProblems';
import { runSummary } from '../../src/core/editorModel/runSummaryText';

const FILE = '/ws/assets/analytics/daily_trips.sql';

function check(name: string, line: number, severity: 'error' | 'warn' = 'error'): CheckDefinition {
  return { name, type: 'sql', severity, blocking: true, location: { file: FILE, line, column: 5 } };
}

function node(key: string, checks: CheckDefinition[], source: AssetNode['definition']['source'] = 'sql'): AssetNode {
  return {
    id: key,
    checks,
    definition: {
      key: key.split('/'),
      source,
      location: { file: FILE, line: 1, column: 1 },
      deps: [],
      checks,
      definitionHash: 'h',
    },
  };
}

function outcome(name: string, passed: boolean, severity: 'error' | 'warn' = 'error', failingRows = 0): CheckOutcome {
  return { name, passed, severity, failingRows };
}

test('relative times read like a lens: just now, minutes, hours, days', () => {
  const now = Date.UTC(2026, 0, 10, 12, 0, 0);
  assert.equal(formatAgo(now - 10_000, now), 'just now');
  assert.equal(formatAgo(now - 2 * 60_000, now), '2m ago');
  assert.equal(formatAgo(now - 3 * 3_600_000, now), '3h ago');
  assert.equal(formatAgo(now - 4 * 86_400_000, now), '4d ago');
  assert.equal(formatAgo(now - 90 * 86_400_000, now), 'on 2025-10-12');
  // A clock that moved backwards never shows a negative age.
  assert.equal(formatAgo(now + 60_000, now), 'just now');
});

test('counts are grouped by thousands and durations are short', () => {
  assert.equal(formatCount(12345), '12,345');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatDuration(340), '340 ms');
  assert.equal(formatDuration(1234), '1.2 s');
  assert.equal(formatDuration(125_000), '2m 05s');
});

test('check summary: none run, all passing, errors failing, only warnings failing', () => {
  const names = ['a', 'b', 'c'];
  assert.equal(checkSummaryText([], undefined), undefined);
  assert.equal(checkSummaryText(names, undefined), '3 checks');
  const passing = new Map(names.map((n) => [n, outcome(n, true)]));
  assert.equal(checkSummaryText(names, passing), '✓ 3 checks');
  const oneFails = new Map(passing).set('b', outcome('b', false, 'error', 4));
  assert.equal(checkSummaryText(names, oneFails), '✗ 1 of 3 checks');
  const warnFails = new Map(passing).set('c', outcome('c', false, 'warn', 1));
  assert.equal(checkSummaryText(names, warnFails), '⚠ 1 of 3 checks');
  // A stale result of a check that was since removed is not counted.
  const withRemoved = new Map(passing).set('gone', outcome('gone', false));
  assert.equal(checkSummaryText(names, withRemoved), '✓ 3 checks');
});

test('state text on the current target', () => {
  const now = Date.UTC(2026, 0, 10, 12, 0, 0);
  assert.equal(stateText(undefined, now), 'never materialized');
  assert.equal(stateText({ status: 'never' }, now), 'never materialized');
  assert.equal(stateText({ status: 'stale', rows: 3, finishedAt: now }, now), 'stale');
  assert.equal(stateText({ status: 'failed', finishedAt: now - 120_000 }, now), 'failed 2m ago');
  assert.equal(stateText({ status: 'fresh', rows: 12345, finishedAt: now - 180_000 }, now), '12,345 rows · 3m ago');
  assert.equal(stateText({ status: 'fresh', rows: 1, finishedAt: now - 180_000 }, now), '1 row · 3m ago');
});

test('lenses of a SQL asset: materialize, upstream, lineage, checks, state — each carrying the key', () => {
  const n = node('analytics/daily_trips', [check('row_count', 4), check('not_null_pickup_date', 5)]);
  const lenses = assetLenses(n, { status: 'fresh', rows: 31, finishedAt: 0 }, 'dev', 60_000);
  assert.deepEqual(
    lenses.map((l) => l.title),
    ['▶ Materialize', '+ upstream', 'Preview', 'Lineage', '2 checks', '31 rows · 1m ago'],
  );
  assert.deepEqual(lenses[0]?.args, ['analytics/daily_trips']);
  assert.equal(lenses[1]?.command, 'assetStudio.materializeWithUpstream');
  assert.equal(lenses[2]?.command, 'assetStudio.previewData');
  assert.deepEqual(lenses[2]?.args, ['analytics/daily_trips']);
  assert.equal(lenses[3]?.command, 'assetStudio.showLineage');
  assert.equal(lenses[4]?.command, 'assetStudio.runChecks');
  assert.equal(lenses[5]?.command, '');
});

test('Preview shows once the asset has rows on the target: not before its first success, still after a rolled-back failure', () => {
  const n = node('analytics/daily_trips', []);
  const titles = (state: Parameters<typeof assetLenses>[1]) => assetLenses(n, state, 'dev', 0).map((l) => l.title);
  assert.ok(!titles(undefined).includes('Preview'));
  assert.ok(!titles({ status: 'never' }).includes('Preview'));
  assert.ok(!titles({ status: 'failed', finishedAt: 0 }).includes('Preview'), 'failed and never succeeded: nothing built');
  assert.ok(titles({ status: 'failed', finishedAt: 0, rows: 3 }).includes('Preview'));
  assert.ok(titles({ status: 'stale', rows: 3 }).includes('Preview'));
});

test('external sources get only the lineage lens', () => {
  const ext = node('raw/vendor_feed', [], 'external');
  assert.equal(isMaterializable(ext), false);
  assert.deepEqual(
    assetLenses(ext, undefined, 'dev', 0).map((l) => l.title),
    ['Lineage'],
  );
});

test('a dbt source is never materialized, but its tests run from the checks lens, as the engine plans them', () => {
  const base = node('raw/trips', [check('not_null_raw_trips_id', 12)], 'dbt');
  const source: AssetNode = {
    ...base,
    definition: { ...base.definition, dbt: { projectDir: '/p', projectName: 'p', resourceType: 'source', selector: 'source:raw.trips' } },
  };
  assert.equal(isMaterializable(source), false);
  assert.equal(canRunChecks(source), true);
  assert.equal(isBuildable(source), true, 'the engine plans what the editor lets run');
  const lenses = assetLenses(source, undefined, 'dev', 0);
  assert.deepEqual(lenses.map((l) => l.title), ['Lineage', '1 check']);
  assert.equal(lenses[1]?.command, 'assetStudio.runChecks');
  // Without checks there is nothing to run; an external source never runs anything.
  assert.equal(canRunChecks({ ...source, checks: [] }), false);
  const ext = node('raw/vendor_feed', [check('c', 3)], 'external');
  assert.equal(canRunChecks(ext), false);
  assert.equal(isBuildable(ext), false);
});

test('the stale tooltip says why, as the engine found it', () => {
  assert.match(stateTooltip({ status: 'stale', staleReason: 'upstream raw/zones was materialized later' }, 'dev'), /upstream raw\/zones was materialized later\.$/);
  assert.match(stateTooltip({ status: 'stale' }, 'dev'), /definition changed/);
});

test('the lens fingerprint changes with what is shown, not with time spent typing', () => {
  const n = node('analytics/daily_trips', [check('row_count', 4)]);
  const a = lensFingerprint([assetLenses(n, undefined, 'dev', 0)]);
  const b = lensFingerprint([assetLenses(n, undefined, 'dev', 0)]);
  assert.equal(a, b);
  const c = lensFingerprint([assetLenses(n, { status: 'failed', finishedAt: 0 }, 'dev', 0)]);
  assert.notEqual(a, c);
});

test('failing checks become problems at their own line; passing ones give none', () => {
  const n = node('analytics/daily_trips', [check('row_count', 4), check('fresh', 9, 'warn')]);
  const run: AssetRunOutcome = {
    key: n.id,
    status: 'failed',
    error: 'blocked by failing check row_count (12 failing rows)',
    checks: [outcome('row_count', false, 'error', 12), outcome('fresh', true, 'warn')],
  };
  const problems = runOutcomeProblems(run, n.definition, 'dev');
  assert.equal(problems.length, 1);
  const [p] = problems;
  assert.equal(p?.line, 4);
  assert.equal(p?.file, FILE);
  assert.equal(p?.severity, 'error');
  assert.match(p?.message ?? '', /row_count.*12 failing rows.*previous data is kept/);

  const passing: AssetRunOutcome = { key: n.id, status: 'success', checks: [outcome('row_count', true)] };
  assert.deepEqual(runOutcomeProblems(passing, n.definition, 'dev'), []);
});

test('only a blocking check that failed a build says the data was rolled back', () => {
  const blocking = node('analytics/daily_trips', [check('row_count', 4)]);
  const failed: AssetRunOutcome = { key: blocking.id, status: 'failed', error: 'blocked', checks: [outcome('row_count', false, 'error', 3)] };
  assert.match(runOutcomeProblems(failed, blocking.definition, 'dev')[0]?.message ?? '', /rolled back/);
  // Run Checks builds nothing: a failing check there rolls nothing back.
  const checked = runOutcomeProblems(failed, blocking.definition, 'dev', true);
  assert.equal(checked.length, 1, 'said once, at the check');
  assert.doesNotMatch(checked.find((p) => p.code === 'check.failed')?.message ?? '', /rolled back/);
  const nonBlocking = node('analytics/daily_trips', [{ ...check('row_count', 4), blocking: false }]);
  assert.doesNotMatch(runOutcomeProblems(failed, nonBlocking.definition, 'dev').find((p) => p.code === 'check.failed')?.message ?? '', /rolled back/);
});

test('a warn-level failure is a warning, and a SQL error is a problem at the asset with the message', () => {
  const n = node('analytics/daily_trips', [check('fresh', 9, 'warn')]);
  const warn = runOutcomeProblems(
    { key: n.id, status: 'success', checks: [outcome('fresh', false, 'warn', 2)] },
    n.definition,
    'dev',
  );
  assert.equal(warn[0]?.severity, 'warning');
  assert.equal(warn[0]?.line, 9);

  const err = runOutcomeProblems(
    { key: n.id, status: 'failed', error: 'Catalog Error: Table with name nope does not exist!', checks: [] },
    n.definition,
    'prod',
  );
  assert.equal(err.length, 1);
  assert.equal(err[0]?.line, 1);
  assert.match(err[0]?.message ?? '', /prod.*Table with name nope/);
});

test('sample rows print as an aligned table', () => {
  const text = formatSampleRows([
    { trip_id: 1, borough: null },
    { trip_id: 22, borough: 'Queens' },
  ]);
  const lines = text.split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0] ?? '', /^trip_id │ borough$/);
  assert.match(lines[2] ?? '', /^1 {7}│ NULL$/);
  assert.equal(formatSampleRows([]), '');
});

test('run summary: rows, duration and checks on success; the failing asset on failure', () => {
  const ok = runSummary(
    'Materialized',
    [
      { key: 'raw/zones', status: 'success', rows: 265, checks: [outcome('a', true), outcome('b', true)] },
      { key: 'raw/taxi_trips', status: 'success', rows: 12000, checks: [outcome('c', true)] },
    ],
    'dev',
    1234,
  );
  assert.equal(ok.ok, true);
  // Each asset's own rows, never one sum that reads as one table's figure.
  assert.equal(ok.text, "Materialized 2 assets on 'dev': raw/zones 265 rows, raw/taxi_trips 12,000 rows · 1.2 s · 3 checks passed");
  const many = runSummary(
    'Materialized',
    ['a', 'b', 'c', 'd', 'e'].map((key, i) => ({ key, status: 'success' as const, rows: i + 1, checks: [] })),
    'dev',
    10,
  );
  assert.match(many.text, /: a 1 row, b 2 rows, c 3 rows \(\+2 more\) · /);
  assert.doesNotMatch(many.text, /15 rows/);

  const bad = runSummary(
    'Materialized',
    [
      { key: 'raw/zones', status: 'failed', checks: [outcome('unique_id', false, 'error', 3)] },
      { key: 'raw/taxi_trips', status: 'skipped', checks: [] },
    ],
    'dev',
    500,
  );
  assert.equal(bad.ok, false);
  assert.match(bad.text, /^raw\/zones failed on 'dev': check unique_id failed; the previous data is kept/);
  assert.match(bad.text, /1 skipped/);
});

test('a dbt model has a SQL lens after Lineage that shows what it compiles to', () => {
  const base = node('orders', [], 'dbt');
  const model: AssetNode = {
    ...base,
    definition: { ...base.definition, dbt: { projectDir: '/p', projectName: 'p', resourceType: 'model', selector: 'orders' } },
  };
  const lenses = assetLenses(model, undefined, 'dev', 0);
  assert.deepEqual(lenses.map((l) => l.title).slice(0, 4), ['▶ Materialize', '+ upstream', 'Lineage', 'SQL']);
  assert.equal(lenses[3]?.command, 'assetStudio.showCompiledSql');
  assert.deepEqual(lenses[3]?.args, ['orders']);
});

test('deferring to a target adds a Compare lens to an asset built on the current target, not to one never built', () => {
  const asset = node('raw/zones', []);
  const built: AssetStateView = { status: 'fresh', rows: 3, finishedAt: 0 };
  assert.equal(assetLenses(asset, built, 'dev', 0).some((l) => l.title === 'Compare'), false, 'no lens without a target to compare with');
  const lenses = assetLenses(asset, built, 'dev', 0, 'prod');
  const compare = lenses.find((l) => l.title === 'Compare');
  assert.equal(compare?.command, 'assetStudio.compareWithTarget');
  assert.deepEqual(compare?.args, ['raw/zones', 'prod']);
  assert.match(compare?.tooltip ?? '', /'dev' with 'prod'/);
  assert.equal(assetLenses(asset, { status: 'never' }, 'dev', 0, 'prod').some((l) => l.title === 'Compare'), false);
});
