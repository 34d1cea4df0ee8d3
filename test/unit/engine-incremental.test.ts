import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { runPlan } from '../../src/core/engine/planRunner';
import type { EngineEvent } from '../../src/core/engine/engineEvents';
import { duckTarget, execFile, queryFile, sqlAsset, tempDir, testGraph } from './engineFixtures';

test('incremental: full load, then only new rows replacing by unique_key; a run without new rows loads 0', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    await execFile(target.path!, "create table src as select range as id, 'v1' as v, timestamp '2024-01-01' + to_hours(range) as ts from range(5)");
    const graph = testGraph(dir, [
      sqlAsset({ name: 'inc', kind: 'incremental', sql: 'select id, v, ts from src', uniqueKey: ['id'], watermark: 'ts' }),
    ]);
    const plan = planMaterialization(graph, parseSelection('inc'));
    const run = () => runPlan(plan, graph, target, { projectRoot: dir });
    assert.equal((await run()).runs[0]!.rows, 5);
    assert.equal((await run()).runs[0]!.rows, 0);
    // Two new rows, one of them a newer version of id 4.
    await execFile(target.path!, "insert into src values (4, 'v2', timestamp '2024-01-02'), (9, 'v1', timestamp '2024-01-03')");
    const third = await run();
    assert.equal(third.runs[0]!.status, 'success', third.runs[0]!.error);
    assert.equal(third.runs[0]!.rows, 2);
    const rows = await queryFile(target.path!, "select id, v from inc order by id");
    assert.deepEqual(rows.map((r) => `${r['id']}:${r['v']}`), ['0:v1', '1:v1', '2:v1', '3:v1', '4:v2', '9:v1']);
    const mark = await queryFile(target.path!, "select value, value_type from _asset_studio.watermarks where key = 'inc'");
    assert.deepEqual(mark, [{ value: '2024-01-03 00:00:00', value_type: 'TIMESTAMP' }]);
    assert.equal((await run()).runs[0]!.rows, 0);
  } finally {
    cleanup();
  }
});

test('incremental with {{ watermark }} in its SQL gets the stored mark as a typed literal', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    await execFile(target.path!, 'create table src as select range as id from range(3)');
    const graph = testGraph(dir, [
      sqlAsset({ name: 'inc', kind: 'incremental', sql: 'select id from src where {{ watermark }} is null or id > {{ watermark }}', watermark: 'id' }),
    ]);
    const plan = planMaterialization(graph, parseSelection('inc'));
    const events: EngineEvent[] = [];
    assert.equal((await runPlan(plan, graph, target, { projectRoot: dir })).runs[0]!.rows, 3);
    await execFile(target.path!, 'insert into src values (3), (4)');
    const second = await runPlan(plan, graph, target, { projectRoot: dir, onEvent: (e) => events.push(e) });
    assert.equal(second.runs[0]!.rows, 2);
    assert.ok(events.some((e) => e.type === 'statement' && e.sql.includes("id > CAST('2' AS BIGINT)")));
    const n = await queryFile(target.path!, 'select count(*) as n from inc');
    assert.equal(Number(n[0]!['n']), 5);
  } finally {
    cleanup();
  }
});

test('a backfill failing in the middle keeps finished partitions and a re-run resumes from the first not done', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    await execFile(target.path!, 'create table flags as select 1 as broken');
    const graph = testGraph(dir, [
      sqlAsset({
        name: 'daily',
        sql:
          "select {{ partition_start }} as day, case when {{ partition_start }} = DATE '2024-01-03' and (select count(*) from flags) > 0 then error('boom') else 1 end as v",
        partition: { by: 'day', column: 'day', start: '2024-01-01' },
      }),
    ]);
    const plan = planMaterialization(graph, parseSelection('daily'));
    const range = { from: '2024-01-01', to: '2024-01-05' };
    const first = await runPlan(plan, graph, target, { projectRoot: dir, partitions: range });
    assert.equal(first.runs[0]!.status, 'failed');
    assert.match(first.runs[0]!.error!, /partition 2024-01-03: .*boom/);
    assert.deepEqual(first.runs[0]!.partitions!.map((p) => `${p.start}:${p.status}`), ['2024-01-01:success', '2024-01-02:success', '2024-01-03:failed']);
    const kept = await queryFile(target.path!, 'select cast(day as varchar) as d from daily order by 1');
    assert.deepEqual(kept.map((r) => r['d']), ['2024-01-01', '2024-01-02']);

    await execFile(target.path!, 'delete from flags');
    const second = await runPlan(plan, graph, target, { projectRoot: dir, partitions: range });
    assert.equal(second.runs[0]!.status, 'success', second.runs[0]!.error);
    assert.deepEqual(second.runs[0]!.partitions!.map((p) => p.start), ['2024-01-03', '2024-01-04', '2024-01-05']);
    const all = await queryFile(target.path!, 'select count(*) as n, count(distinct day) as d from daily');
    assert.deepEqual(all, [{ n: '5', d: '5' }]);

    // One named partition is rebuilt even when done: its slice is replaced, not duplicated.
    const one = await runPlan(plan, graph, target, { projectRoot: dir, partitions: { partition: '2024-01-02' } });
    assert.deepEqual(one.runs[0]!.partitions!.map((p) => p.start), ['2024-01-02']);
    const after = await queryFile(target.path!, 'select count(*) as n from daily');
    assert.equal(Number(after[0]!['n']), 5);
  } finally {
    cleanup();
  }
});

test('a cancelled long query is interrupted and rolled back: the previous table stays, the rest is skipped', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const quick = testGraph(dir, [sqlAsset({ name: 'big', sql: 'select 42 as n' })]);
    await runPlan(planMaterialization(quick, parseSelection('big')), quick, target, { projectRoot: dir });
    const graph = testGraph(dir, [
      sqlAsset({ name: 'big', sql: 'select count(*) as n from range(10000000000)' }),
      sqlAsset({ name: 'after', sql: 'select * from big', deps: ['big'] }),
    ]);
    const controller = new AbortController();
    // Cancel 200 ms into the long statement itself (not into opening the file, which a busy machine may make slow).
    const onEvent = (e: EngineEvent) => {
      if (e.type === 'statement' && e.sql.includes('range(10000000000)')) setTimeout(() => controller.abort(), 200);
    };
    const r = await runPlan(planMaterialization(graph, parseSelection('big+')), graph, target, { projectRoot: dir, signal: controller.signal, onEvent });
    assert.equal(r.cancelled, true);
    assert.equal(r.runs[0]!.status, 'failed');
    assert.match(r.runs[0]!.error!, /cancelled/);
    assert.equal(r.runs[1]!.status, 'skipped');
    const rows = await queryFile(target.path!, 'select n from big');
    assert.deepEqual(rows, [{ n: 42 }]);
    const tables = await queryFile(target.path!, "select count(*) as n from duckdb_tables() where table_name = 'after'");
    assert.equal(Number(tables[0]!['n']), 0);
  } finally {
    cleanup();
  }
});

test('incremental assets running side by side keep their own watermarks', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir, { threads: 4 });
    await execFile(target.path!, 'create table src as select range as id from range(10)');
    const defs = [0, 1, 2, 3].map((i) =>
      sqlAsset({ name: `inc${i}`, kind: 'incremental', sql: `select id, ${i} as i from src where id % 4 >= ${i}`, uniqueKey: ['id'], watermark: 'id' }),
    );
    const graph = testGraph(dir, defs);
    const plan = planMaterialization(graph, parseSelection('*'));
    assert.deepEqual(plan.levels.map((l) => l.length), [4]);
    const run = async () => {
      const r = await runPlan(plan, graph, target, { projectRoot: dir });
      assert.deepEqual(r.runs.map((x) => x.status), ['success', 'success', 'success', 'success'], JSON.stringify(r.runs.map((x) => x.error)));
      return r.runs.map((x) => x.rows);
    };
    assert.deepEqual(await run(), [10, 7, 4, 2]);
    assert.deepEqual(await run(), [0, 0, 0, 0]);
    await execFile(target.path!, 'insert into src values (20), (21), (22)');
    assert.deepEqual(await run(), [3, 2, 1, 0]);
    const marks = await queryFile(target.path!, 'select key, value from _asset_studio.watermarks order by key');
    assert.deepEqual(marks, [
      { key: 'inc0', value: '22' },
      { key: 'inc1', value: '22' },
      { key: 'inc2', value: '22' },
      { key: 'inc3', value: '7' },
    ]);
  } finally {
    cleanup();
  }
});

test('incremental unique_key with NULLs: NULL is a key value like any other (IS NOT DISTINCT FROM), so a NULL key replaces the same NULL key, never piles up', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    await execFile(
      target.path!,
      "create table src (id integer, region varchar, v varchar, ts timestamp); insert into src values (1, 'eu', 'v1', '2024-01-01'), (null, 'eu', 'v1', '2024-01-01'), (null, null, 'v1', '2024-01-01'), (2, 'us', 'v1', '2024-01-01')",
    );
    const graph = testGraph(dir, [sqlAsset({ name: 'inc', kind: 'incremental', sql: 'select id, region, v, ts from src', uniqueKey: ['id', 'region'], watermark: 'ts' })]);
    const plan = planMaterialization(graph, parseSelection('inc'));
    const run = () => runPlan(plan, graph, target, { projectRoot: dir });
    assert.equal((await run()).runs[0]!.rows, 4);
    // New versions of the (NULL, eu) and (NULL, NULL) keys, and a new key (NULL, us).
    await execFile(target.path!, "insert into src values (null, 'eu', 'v2', '2024-01-02'), (null, null, 'v2', '2024-01-02'), (null, 'us', 'v2', '2024-01-02')");
    const second = await run();
    assert.equal(second.runs[0]!.status, 'success', second.runs[0]!.error);
    assert.equal(second.runs[0]!.rows, 3);
    const table = async () =>
      (await queryFile(target.path!, 'select id, region, v from inc order by id nulls last, region nulls last')).map((r) => `${r['id']}|${r['region']}|${r['v']}`);
    const expected = ['1|eu|v1', '2|us|v1', 'null|eu|v2', 'null|us|v2', 'null|null|v2'];
    assert.deepEqual(await table(), expected);
    assert.equal((await run()).runs[0]!.rows, 0);
    assert.deepEqual(await table(), expected);
  } finally {
    cleanup();
  }
});

test('a backfill asks whether the table exists once per asset, not once per partition', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const graph = testGraph(dir, [
      sqlAsset({ name: 'daily', sql: 'select {{ partition_start }} as day, 1 as v', partition: { by: 'day', column: 'day', start: '2024-01-01' } }),
    ]);
    const plan = planMaterialization(graph, parseSelection('daily'));
    const existsQueries = async (partitions: { from: string; to: string }) => {
      const events: EngineEvent[] = [];
      const r = await runPlan(plan, graph, target, { projectRoot: dir, partitions, onEvent: (e) => events.push(e) });
      assert.equal(r.runs[0]!.status, 'success', r.runs[0]!.error);
      return { ran: r.runs[0]!.partitions!.length, asked: events.filter((e) => e.type === 'statement' && e.sql.includes('duckdb_tables()')).length };
    };
    // Created by the first partition, appended to by the next ones.
    assert.deepEqual(await existsQueries({ from: '2024-01-01', to: '2024-01-04' }), { ran: 4, asked: 1 });
    assert.deepEqual(await existsQueries({ from: '2024-01-01', to: '2024-01-07' }), { ran: 3, asked: 1 });
    // Everything done already: nothing to run, nothing asked.
    assert.deepEqual(await existsQueries({ from: '2024-01-01', to: '2024-01-07' }), { ran: 0, asked: 0 });
    const rows = await queryFile(target.path!, 'select count(*) as n, count(distinct day) as d from daily');
    assert.deepEqual(rows, [{ n: '7', d: '7' }]);
  } finally {
    cleanup();
  }
});

test('a partition blocked by a failing check logs it as a blocked non-partitioned run does: the asset, then the error', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const check = { name: 'v_not_null', type: 'not_null' as const, config: { column: 'v' } };
    const sql = "select {{ partition_start }} as day, case when {{ partition_start }} = DATE '2024-01-02' then null else 1 end as v";
    const errorLogs = async (partitioned: boolean) => {
      const graph = testGraph(dir, [
        sqlAsset({ name: partitioned ? 'daily' : 'whole', sql: partitioned ? sql : 'select 1 as day, null as v', checks: [check], ...(partitioned ? { partition: { by: 'day' as const, column: 'day', start: '2024-01-01' } } : {}) }),
      ]);
      const events: EngineEvent[] = [];
      const r = await runPlan(planMaterialization(graph, parseSelection('*')), graph, target, {
        projectRoot: dir,
        partitions: { from: '2024-01-01', to: '2024-01-03' },
        onEvent: (e) => events.push(e),
      });
      assert.equal(r.runs[0]!.status, 'failed');
      const logs = events.filter((e) => e.type === 'log' && e.level === 'error');
      return { logs, error: r.runs[0]!.error! };
    };
    const whole = await errorLogs(false);
    assert.deepEqual(whole.logs, [{ type: 'log', level: 'error', asset: 'whole', message: `whole: ${whole.error}` }]);
    const daily = await errorLogs(true);
    assert.deepEqual(daily.logs, [{ type: 'log', level: 'error', asset: 'daily', message: `daily: ${daily.error}` }]);
    assert.match(daily.error, /^partition 2024-01-02 blocked by failing check v_not_null \(1 failing row\); rolled back$/);
  } finally {
    cleanup();
  }
});

test('incremental: two new rows with one unique_key in a batch — the latest by watermark wins; with no watermark the run fails, naming the key, and keeps the table', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    await execFile(target.path!, "create table src as select range as id, 'v1' as v, timestamp '2024-01-01' + to_hours(range) as ts from range(3)");
    const graph = testGraph(dir, [
      sqlAsset({ name: 'inc', kind: 'incremental', sql: 'select id, v, ts from src', uniqueKey: ['id'], watermark: 'ts' }),
      sqlAsset({ name: 'nowm', kind: 'incremental', sql: 'select id, v from src', uniqueKey: ['id'] }),
    ]);
    const run = (sel: string) => runPlan(planMaterialization(graph, parseSelection(sel)), graph, target, { projectRoot: dir });
    assert.equal((await run('inc')).runs[0]!.rows, 3);
    assert.equal((await run('nowm')).runs[0]!.rows, 3);
    // Two versions of id 1 arrive in one batch; v3 is the later one.
    await execFile(target.path!, "insert into src values (1, 'v3', timestamp '2024-02-02'), (1, 'v2', timestamp '2024-02-01')");
    const withMark = (await run('inc')).runs[0]!;
    assert.equal(withMark.status, 'success', withMark.error);
    assert.equal(withMark.rows, 1);
    const rows = await queryFile(target.path!, 'select id, v from inc order by id');
    assert.deepEqual(rows.map((r) => `${r['id']}:${r['v']}`), ['0:v1', '1:v3', '2:v1']);

    const without = (await run('nowm')).runs[0]!;
    assert.equal(without.status, 'failed');
    assert.match(without.error!, /new rows share the unique_key id = 1: deduplicate them in the query, or set a watermark/);
    const kept = await queryFile(target.path!, 'select count(*) as n from nowm');
    assert.equal(Number(kept[0]!['n']), 3, 'the failed batch was rolled back');
  } finally {
    cleanup();
  }
});

test('incremental: an asset that was a view becomes its table on its next run (the view replaced in the same transaction)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    await execFile(target.path!, 'create view inc as select 0 as id');
    const graph = testGraph(dir, [sqlAsset({ name: 'inc', kind: 'incremental', sql: 'select range as id from range(3)' })]);
    const run = await runPlan(planMaterialization(graph, parseSelection('inc')), graph, target, { projectRoot: dir });
    assert.equal(run.runs[0]!.status, 'success', run.runs[0]!.error);
    assert.equal(run.runs[0]!.rows, 3);
    assert.deepEqual(await queryFile(target.path!, "select table_type from information_schema.tables where table_name = 'inc'"), [{ table_type: 'BASE TABLE' }]);
  } finally {
    cleanup();
  }
});
