import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { runPlan } from '../../src/core/engine/planRunner';
import type { EngineEvent } from '../../src/core/engine/engineEvents';
import { duckTarget, queryFile, sqlAsset, tempDir, testGraph } from './engineFixtures';

/** Broken checks first: each one that does not bind must not hide the results of those after it. */
const checks = [
  { name: 'no_such_column', type: 'not_null' as const, severity: 'warn' as const, config: { column: 'nope' } },
  { name: 'no_such_table', type: 'sql' as const, severity: 'warn' as const, config: { sql: 'select * from missing_table_xyz' } },
  { name: 'not_sql', type: 'sql' as const, severity: 'warn' as const, config: { sql: 'selec nothing frm' } },
  { name: 'ids_not_null', type: 'not_null' as const, config: { column: 'id' } },
  { name: 'ids_unique', type: 'unique' as const, config: { column: 'id' } },
];

test('one check that does not bind: the combined query falls back to one by one, and every other check still reports', async () => {
  const { dir, cleanup } = tempDir('check-fallback-');
  try {
    const target = duckTarget(dir);
    const good = testGraph(dir, [sqlAsset({ name: 'src', sql: 'select range as id from range(4)', checks })]);
    const events: EngineEvent[] = [];
    const first = await runPlan(planMaterialization(good, parseSelection('src')), good, target, { projectRoot: dir, onEvent: (e) => events.push(e) });
    const run = first.runs[0]!;
    // The broken checks are warnings: the build commits, and the real checks pass.
    assert.equal(run.status, 'success', run.error);
    assert.deepEqual(
      run.checks.map((c) => [c.name, c.passed, c.failingRows, c.error === undefined]),
      [
        ['no_such_column', false, 0, false],
        ['no_such_table', false, 0, false],
        ['not_sql', false, 0, false],
        ['ids_not_null', true, 0, true],
        ['ids_unique', true, 0, true],
      ],
    );
    assert.match(run.checks[0]!.error!, /names column 'nope', which src does not have/);
    assert.match(run.checks[1]!.error!, /missing_table_xyz does not exist on this target; materialize it first/);
    assert.match(run.checks[2]!.error!, /^check 'not_sql': Parser Error/);
    // It was tried combined first, then each check alone.
    const statements = events.filter((e) => e.type === 'statement').map((e) => (e as { sql: string }).sql);
    assert.equal(statements.filter((s) => s.includes('UNION ALL')).length, 1);
    assert.equal(statements.filter((s) => s.startsWith('WITH __failing')).length, checks.length);

    // Now the data is bad: the blocking check still fails with its rows and samples, and the build is rolled back.
    const bad = testGraph(dir, [sqlAsset({ name: 'src', sql: 'select case when range = 1 then null else range % 2 end as id from range(6)', checks })]);
    const second = await runPlan(planMaterialization(bad, parseSelection('src')), bad, target, { projectRoot: dir });
    const failed = second.runs[0]!;
    assert.equal(failed.status, 'failed');
    const byName = new Map(failed.checks.map((c) => [c.name, c]));
    assert.deepEqual([byName.get('ids_not_null')!.failingRows, byName.get('ids_not_null')!.samples], [1, [{ id: null }]]);
    assert.equal(byName.get('ids_unique')!.failingRows, 2);
    assert.deepEqual(byName.get('ids_unique')!.samples.map((s) => s['id']).sort(), [0, 1]);
    assert.match(failed.error!, /blocked by failing checks ids_not_null \(1 failing row\), ids_unique \(2 failing rows\)/);
    const kept = await queryFile(target.path!, 'select count(*) as n from src');
    assert.equal(Number(kept[0]!['n']), 4);

    // Checks only, against what is there: the same, without building.
    const checked = await runPlan(planMaterialization(bad, parseSelection('src')), bad, target, { projectRoot: dir, checksOnly: true });
    assert.deepEqual(checked.runs[0]!.checks.map((c) => c.passed), [false, false, false, true, true]);
    assert.equal(checked.runs[0]!.status, 'success');
  } finally {
    cleanup();
  }
});

test('checks only, outside a transaction: a check failing at run time (not only at bind) hides no other result either', async () => {
  const { dir, cleanup } = tempDir('check-fallback-');
  try {
    const target = duckTarget(dir);
    const withBoom = [
      { name: 'boom', type: 'sql' as const, severity: 'warn' as const, config: { sql: "select error('boom at run time') from {{ this }}" } },
      { name: 'ids_not_null', type: 'not_null' as const, config: { column: 'id' } },
      { name: 'few', type: 'sql' as const, severity: 'warn' as const, config: { sql: 'select * from {{ this }} where id > 1' } },
    ];
    const build = testGraph(dir, [sqlAsset({ name: 'src', sql: 'select range as id from range(4)' })]);
    await runPlan(planMaterialization(build, parseSelection('src')), build, target, { projectRoot: dir });
    const graph = testGraph(dir, [sqlAsset({ name: 'src', sql: 'select range as id from range(4)', checks: withBoom })]);
    const checked = await runPlan(planMaterialization(graph, parseSelection('src')), graph, target, { projectRoot: dir, checksOnly: true });
    const run = checked.runs[0]!;
    assert.deepEqual(
      run.checks.map((c) => [c.name, c.passed, c.failingRows]),
      [
        ['boom', false, 0],
        ['ids_not_null', true, 0],
        ['few', false, 2],
      ],
    );
    assert.match(run.checks[0]!.error!, /boom at run time/);
    assert.equal(run.checks[1]!.error, undefined);
    assert.equal(run.status, 'success');

    // Inside a build's transaction such an error aborts the transaction: every check says so and nothing lands.
    const built = await runPlan(planMaterialization(graph, parseSelection('src')), graph, target, { projectRoot: dir });
    assert.equal(built.runs[0]!.status, 'failed');
    assert.ok(built.runs[0]!.checks.every((c) => !c.passed && /boom at run time/.test(c.error ?? '')), JSON.stringify(built.runs[0]!.checks));

    // Even when only a warning check aborted it, the transaction cannot commit: the run says which check, not DuckDB's COMMIT error.
    const warnOnly = testGraph(dir, [sqlAsset({ name: 'src', sql: 'select range as id from range(9)', checks: [withBoom[0]!] })]);
    const warned = await runPlan(planMaterialization(warnOnly, parseSelection('src')), warnOnly, target, { projectRoot: dir });
    assert.equal(warned.runs[0]!.status, 'failed');
    assert.match(warned.runs[0]!.error!, /^check 'boom' could not run and aborted the transaction; rolled back, the previous data is unchanged$/);
    assert.equal(warned.runs[0]!.location, undefined);
    const kept = await queryFile(target.path!, 'select count(*) as n from src');
    assert.equal(Number(kept[0]!['n']), 4);
  } finally {
    cleanup();
  }
});
