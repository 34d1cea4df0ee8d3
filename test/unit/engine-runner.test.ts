import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { runPlan } from '../../src/core/engine/planRunner';
import { materializeSelection } from '../../src/core/engine/materializeWorkspace';
import type { EngineEvent } from '../../src/core/engine/engineEvents';
import { dagsterAsset, duckTarget, queryFile, sqlAsset, tempDir, testGraph } from './engineFixtures';

test('a table asset is built in a transaction with its checks, then its downstream view', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const graph = testGraph(dir, [
      sqlAsset({
        name: 'raw.numbers',
        sql: 'select range as id, range % 3 as kind from range(10);',
        checks: [
          { name: 'not_null_id', type: 'not_null', config: { column: 'id' } },
          { name: 'unique_id', type: 'unique', config: { columns: ['id'] } },
          { name: 'kinds', type: 'accepted_values', config: { column: 'kind', values: [0, 1, 2] } },
          { name: 'count', type: 'row_count', config: { min: 1, max: 100 } },
        ],
      }),
      sqlAsset({ name: 'analytics.kinds', kind: 'view', sql: 'select kind, count(*) as n from raw.numbers group by all', deps: ['raw.numbers'] }),
    ]);
    const target = duckTarget(dir);
    const events: EngineEvent[] = [];
    const result = await runPlan(planMaterialization(graph, parseSelection('raw.numbers+')), graph, target, {
      projectRoot: dir,
      onEvent: (e) => events.push(e),
    });
    assert.deepEqual(
      result.runs.map((r) => [r.key, r.status, r.rows]),
      [
        ['raw/numbers', 'success', 10],
        ['analytics/kinds', 'success', null],
      ],
    );
    assert.deepEqual(result.runs[0]!.checks.map((c) => [c.name, c.passed, c.failingRows]), [
      ['not_null_id', true, 0],
      ['unique_id', true, 0],
      ['kinds', true, 0],
      ['count', true, 0],
    ]);
    const statements = events.filter((e) => e.type === 'statement').map((e) => (e as { sql: string }).sql);
    assert.ok(statements.includes('BEGIN TRANSACTION') && statements.includes('COMMIT'));
    assert.ok(statements.some((s) => s.startsWith('CREATE OR REPLACE TABLE "raw"."numbers" AS')));
    const rows = await queryFile(target.path!, 'select sum(n) as total from analytics.kinds');
    assert.equal(Number(rows[0]!['total']), 10);
    const runs = await queryFile(target.path!, "select key, status, rows, target from _asset_studio.runs order by key");
    assert.deepEqual(runs, [
      { key: 'analytics/kinds', status: 'success', rows: null, target: 'dev' },
      { key: 'raw/numbers', status: 'success', rows: '10', target: 'dev' },
    ]);
  } finally {
    cleanup();
  }
});

test('a failing blocking check rolls back, keeps the previous table and skips downstream; a warn check does not block', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const good = testGraph(dir, [
      sqlAsset({ name: 'src', sql: 'select range as id from range(5)', checks: [{ name: 'ids_not_null', type: 'not_null', config: { column: 'id' } }] }),
      sqlAsset({ name: 'down', sql: 'select count(*) as n from src', deps: ['src'] }),
    ]);
    const first = await runPlan(planMaterialization(good, parseSelection('*')), good, target, { projectRoot: dir });
    assert.deepEqual(first.runs.map((r) => r.status), ['success', 'success']);

    const bad = testGraph(dir, [
      sqlAsset({
        name: 'src',
        sql: 'select case when range = 2 then null else range end as id from range(8)',
        checks: [
          { name: 'ids_not_null', type: 'not_null', config: { column: 'id' } },
          { name: 'small', type: 'sql', severity: 'warn', config: { sql: 'select * from {{ this }} where id > 100' } },
        ],
      }),
      sqlAsset({ name: 'down', sql: 'select count(*) as n from src', deps: ['src'] }),
    ]);
    const second = await runPlan(planMaterialization(bad, parseSelection('*')), bad, target, { projectRoot: dir });
    assert.equal(second.runs[0]!.status, 'failed');
    assert.match(second.runs[0]!.error!, /ids_not_null/);
    // The blocking check that failed is named: the warn check that failed too is not.
    assert.deepEqual(second.runs[0]!.blockedBy, ['ids_not_null']);
    assert.equal(second.runs[0]!.checks[0]!.failingRows, 1);
    assert.deepEqual(second.runs[0]!.checks[0]!.samples, [{ id: null }]);
    assert.equal(second.runs[1]!.status, 'skipped');
    assert.match(second.runs[1]!.error!, /upstream src failed/);
    const kept = await queryFile(target.path!, 'select count(*) as n from main.src');
    assert.equal(Number(kept[0]!['n']), 5);

    const warnOnly = testGraph(dir, [
      sqlAsset({
        name: 'src',
        sql: 'select range as id from range(7)',
        checks: [{ name: 'few', type: 'sql', severity: 'warn', config: { sql: 'select * from {{ this }} where id > 3' } }],
      }),
    ]);
    const third = await runPlan(planMaterialization(warnOnly, parseSelection('src')), warnOnly, target, { projectRoot: dir });
    assert.equal(third.runs[0]!.status, 'success');
    assert.equal(third.runs[0]!.blockedBy, undefined);
    assert.equal(third.runs[0]!.checks[0]!.passed, false);
    assert.equal(third.runs[0]!.checks[0]!.failingRows, 3);
    const now = await queryFile(target.path!, 'select count(*) as n from main.src');
    assert.equal(Number(now[0]!['n']), 7);
    const checkRows = await queryFile(target.path!, "select name, passed, failing_rows from _asset_studio.check_results where name = 'few'");
    assert.deepEqual(checkRows, [{ name: 'few', passed: false, failing_rows: '3' }]);
  } finally {
    cleanup();
  }
});

test('a check naming a missing column is a check error at the check line, not a crash', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const graph = testGraph(dir, [
      sqlAsset({
        name: 'src',
        sql: 'select 1 as id',
        checks: [
          { name: 'not_null_id', type: 'not_null', config: { column: 'id' } },
          { name: 'not_null_nope', type: 'not_null', severity: 'warn', config: { column: 'nope' }, location: { file: '/x/a.sql', line: 4, column: 5 } },
        ],
      }),
    ]);
    const r = await runPlan(planMaterialization(graph, parseSelection('src')), graph, duckTarget(dir), { projectRoot: dir });
    assert.deepEqual(r.runs[0]!.checks.map((c) => [c.name, c.passed]), [['not_null_id', true], ['not_null_nope', false]]);
    const check = r.runs[0]!.checks[1]!;
    assert.equal(check.passed, false);
    assert.match(check.error!, /column 'nope'/);
    assert.deepEqual(check.location, { file: '/x/a.sql', line: 4, column: 5 });
    assert.equal(r.runs[0]!.status, 'success');
  } finally {
    cleanup();
  }
});

test('hostile asset and column names cannot inject SQL', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const victim = testGraph(dir, [sqlAsset({ name: 'y', sql: 'select 1 as a' })]);
    await runPlan(planMaterialization(victim, parseSelection('y')), victim, target, { projectRoot: dir });
    const hostile = 'x"; drop table y; --';
    const graph = testGraph(dir, [
      sqlAsset({
        name: hostile,
        sql: `select 1 as "c'; drop table y; --"`,
        checks: [
          { name: "n'; drop table y; --", type: 'not_null', config: { column: "c'; drop table y; --" } },
          { name: 'v', type: 'accepted_values', config: { column: "c'; drop table y; --", values: ["1'); drop table y; --", 1] } },
        ],
      }),
    ]);
    const r = await runPlan(planMaterialization(graph, parseSelection('*')), graph, target, { projectRoot: dir });
    assert.equal(r.runs[0]!.status, 'success', r.runs[0]!.error);
    assert.deepEqual(r.runs[0]!.checks.map((c) => c.passed), [true, true]);
    const tables = await queryFile(target.path!, "select table_name from duckdb_tables() where schema_name = 'main' order by 1");
    assert.deepEqual(tables.map((t) => t['table_name']), [hostile, 'y']);
    const keys = await queryFile(target.path!, 'select key from _asset_studio.runs order by key');
    assert.deepEqual(keys.map((k) => k['key']), [hostile, 'y']);
  } finally {
    cleanup();
  }
});

test('relative paths in SQL resolve from the project root, and independent assets run side by side', async () => {
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'zones.csv'), 'id,name\n1,Queens\n2,Bronx\n');
    const defs = [sqlAsset({ name: 'raw.zones', sql: "select * from read_csv('data/zones.csv')" })];
    for (let i = 0; i < 6; i++) defs.push(sqlAsset({ name: `wide.a${i}`, sql: `select id, ${i} as i from raw.zones`, deps: ['raw.zones'] }));
    defs.push(
      sqlAsset({
        name: 'wide.rel',
        sql: 'select id from raw.zones',
        deps: ['raw.zones'],
        checks: [{ name: 'fk', type: 'relationships', config: { column: 'id', to: 'raw.zones', field: 'id' } }],
      }),
    );
    const graph = testGraph(dir, defs);
    const plan = planMaterialization(graph, parseSelection('+wide.a3 raw.zones+'));
    assert.deepEqual(plan.levels.map((l) => l.length), [1, 7]);
    const target = duckTarget(dir, { threads: 3 });
    const r = await runPlan(plan, graph, target, { projectRoot: '/' === dir ? dir : dir });
    assert.ok(r.runs.every((x) => x.status === 'success'), JSON.stringify(r.runs.map((x) => x.error)));
    assert.equal(r.runs.find((x) => x.key === 'wide/rel')!.checks[0]!.passed, true);
    const rows = await queryFile(target.path!, 'select count(*) as n from wide.a5');
    assert.equal(Number(rows[0]!['n']), 2);
  } finally {
    cleanup();
  }
});

test('Dagster/dbt assets: without a runner they fail plainly; with one, the file is released while the tool runs', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir, { threads: 2 });
    const graph = testGraph(dir, [
      sqlAsset({ name: 'first', sql: 'select 1 as x' }),
      dagsterAsset('py_asset', join(dir, 'defs.py'), ['first']),
      sqlAsset({ name: 'last', sql: 'select * from py_table', deps: ['py_asset'] }),
    ]);
    const plan = planMaterialization(graph, parseSelection('first+'));
    const without = await runPlan(plan, graph, target, { projectRoot: dir });
    assert.deepEqual(without.runs.map((r) => r.status), ['success', 'failed', 'skipped']);
    assert.match(without.runs[1]!.error!, /not available in this build: py_asset needs the Dagster runner/);

    const duckdbModule = createRequire(import.meta.url).resolve('@duckdb/node-api');
    const withRunner = await runPlan(plan, graph, target, {
      projectRoot: dir,
      // Stands in for `dagster asset materialize`: another process writing to the same file.
      delegated: async () => {
        const code = await new Promise<number | null>((resolve) => {
          const child = spawn(
            process.execPath,
            ['-e', `const {DuckDBInstance}=require(${JSON.stringify(duckdbModule)});(async()=>{const i=await DuckDBInstance.create(${JSON.stringify(target.path)});const c=await i.connect();await c.run('create or replace table py_table as select 7 as y');c.closeSync();i.closeSync();})().catch(e=>{console.error(e.message);process.exit(3)})`],
            { stdio: 'inherit' },
          );
          child.on('exit', resolve);
        });
        return code === 0 ? { status: 'success', rows: 1, checks: [] } : { status: 'failed', error: `exit ${code}`, checks: [] };
      },
    });
    assert.deepEqual(withRunner.runs.map((r) => r.status), ['success', 'success', 'success'], JSON.stringify(withRunner.runs));
    const rows = await queryFile(target.path!, 'select y from main.last');
    assert.deepEqual(rows, [{ y: 7 }]);
  } finally {
    cleanup();
  }
});

test('a SQL error is located at its line in the asset file', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const def = sqlAsset({ name: 'bad', sql: '\nselect 1 as a,\n  missing_col\nfrom range(3)\n' });
    const graph = testGraph(dir, [def]);
    const r = await runPlan(planMaterialization(graph, parseSelection('bad')), graph, duckTarget(dir), { projectRoot: dir });
    assert.equal(r.runs[0]!.status, 'failed');
    assert.match(r.runs[0]!.error!, /missing_col/);
    // sqlLine 10 is the SQL's first non-blank line (the leading newline is the header's line); missing_col is one line further.
    assert.deepEqual(r.runs[0]!.location, { file: '/tmp/fixture.sql', line: 11, column: 1 });
  } finally {
    cleanup();
  }
});

test('changing an asset from view to table (and back) replaces the other kind', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    for (const [kind, checks] of [['view', []], ['table', []], ['view', [{ name: 'c', type: 'not_null' as const, config: { column: 'x' } }]], ['table', [{ name: 'c', type: 'not_null' as const, config: { column: 'x' } }]]] as const) {
      const graph = testGraph(dir, [sqlAsset({ name: 'flip', kind, sql: `select '${kind}' as x`, checks })]);
      const r = await runPlan(planMaterialization(graph, parseSelection('flip')), graph, target, { projectRoot: dir });
      assert.equal(r.runs[0]!.status, 'success', r.runs[0]!.error);
      const rows = await queryFile(target.path!, "select x, (select table_type from information_schema.tables where table_name = 'flip') as t from flip");
      assert.deepEqual(rows, [{ x: kind, t: kind === 'view' ? 'VIEW' : 'BASE TABLE' }]);
    }
  } finally {
    cleanup();
  }
});

test("the run's env and saved token reach the Dagster/dbt runner (its token_env lookup), not only process.env", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const graph = testGraph(dir, [
      dagsterAsset('py', join(dir, 'defs.py')),
    ]);
    const seen: { env?: unknown; token?: string }[] = [];
    const env = { AS_RUN_ONLY: 'yes' };
    await runPlan(planMaterialization(graph, parseSelection('py')), graph, duckTarget(dir), {
      projectRoot: dir,
      env,
      token: 'saved-token',
      delegated: async (_node, ctx) => {
        seen.push({ env: ctx.env, token: ctx.token });
        return { status: 'success', checks: [] };
      },
    });
    assert.deepEqual(seen, [{ env, token: 'saved-token' }]);
  } finally {
    cleanup();
  }
});

test('a SQL error in a real asset file is located at its own line, counted as discovery counts (the SQL after the header line)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'bad.sql');
    // Lines 1-5 are the header; the SQL starts on line 6, missing_col is on line 8.
    writeFileSync(file, '/* @asset\nname: bad\nchecks:\n  - not_null: [a]\n*/\nselect 1 as a,\n  2 as b,\n  missing_col\nfrom range(3)\n');
    const built = await materializeSelection(dir, ['bad'], { env: {} });
    assert.match(built.result.runs[0]!.error!, /missing_col/);
    assert.deepEqual(built.result.runs[0]!.location, { file, line: 8, column: 1 });
    // Without checks it is one autocommit statement: the same line.
    writeFileSync(file, '/* @asset\nname: bad\n*/\n\nselect 1 as a,\n  missing_col\nfrom range(3)\n');
    const plain = await materializeSelection(dir, ['bad'], { env: {} });
    assert.deepEqual(plain.result.runs[0]!.location, { file, line: 6, column: 1 });
  } finally {
    cleanup();
  }
});
