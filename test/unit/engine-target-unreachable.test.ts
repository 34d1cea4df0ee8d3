import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { runPlan } from '../../src/core/engine/planRunner';
import { TargetConnectionError } from '../../src/core/engine/targetConnection';
import { dagsterAsset, duckTarget, sqlAsset, tempDir, testGraph } from './engineFixtures';

// A target that cannot be opened is not a failure of any asset: nothing ran ('could not run'), nothing is recorded.

test('a database file that is not a DuckDB database: the run could not run, no asset failed, the file is untouched', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    mkdirSync(join(target.path!, '..'), { recursive: true });
    writeFileSync(target.path!, 'not a database, a text file someone put here\n');
    const graph = testGraph(dir, [sqlAsset({ name: 'a', sql: 'select 1 as x' })]);
    await assert.rejects(
      runPlan(planMaterialization(graph, parseSelection('a')), graph, target, { projectRoot: dir }),
      (err: unknown) => {
        assert.ok(err instanceof TargetConnectionError, String(err));
        assert.equal(err.target, target.name);
        assert.match(err.message, new RegExp(`^Target '${target.name}': cannot open .*not a valid DuckDB database file`));
        return true;
      },
    );
    assert.equal(readFileSync(target.path!, 'utf8'), 'not a database, a text file someone put here\n');
  } finally {
    cleanup();
  }
});

test('a database path whose folder cannot be made (a file is in the way): a connection error naming the target, not a bare ENOTDIR', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, 'blocker'), 'a file, not a folder');
    const target = duckTarget(dir, { path: join(dir, 'blocker', 'sub', 'dev.duckdb') });
    const graph = testGraph(dir, [sqlAsset({ name: 'a', sql: 'select 1 as x' })]);
    await assert.rejects(runPlan(planMaterialization(graph, parseSelection('a')), graph, target, { projectRoot: dir }), (err: unknown) => {
      assert.ok(err instanceof TargetConnectionError, String(err));
      assert.equal(err.reason, 'unreachable');
      assert.match(err.message, /^Target '.*': cannot create the folder of .*blocker[\\/]sub[\\/]dev\.duckdb .*Check the target's path/);
      return true;
    });
  } finally {
    cleanup();
  }
});

test('the target cannot be opened again after a Dagster step (another process holds it): what follows could not run, it did not fail', async () => {
  const { dir, cleanup } = tempDir();
  const target = duckTarget(dir);
  const duckdbModule = createRequire(import.meta.url).resolve('@duckdb/node-api');
  // Another process that opens the file and keeps it (and its lock) until killed.
  let holder: ReturnType<typeof spawn> | undefined;
  try {
    const graph = testGraph(dir, [
      sqlAsset({ name: 'first', sql: 'select 1 as x' }),
      dagsterAsset('py_asset', join(dir, 'defs.py'), ['first']),
      sqlAsset({ name: 'last', sql: 'select * from first', deps: ['py_asset'] }),
    ]);
    const result = await runPlan(planMaterialization(graph, parseSelection('first+')), graph, target, {
      projectRoot: dir,
      delegated: async () => {
        holder = spawn(
          process.execPath,
          ['-e', `const {DuckDBInstance}=require(${JSON.stringify(duckdbModule)});DuckDBInstance.create(${JSON.stringify(target.path)}).then(()=>{console.log('open');setInterval(()=>{},1000)},e=>{console.error(e.message);process.exit(3)})`],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const [line] = (await once(holder.stdout!, 'data')) as [Buffer];
        assert.equal(line.toString().trim(), 'open');
        return { status: 'success', rows: 1, checks: [] };
      },
    });
    assert.deepEqual(
      result.runs.map((r) => [r.key, r.status]),
      [
        ['first', 'success'],
        ['py_asset', 'success'],
        ['last', 'skipped'],
      ],
      JSON.stringify(result.runs),
    );
    assert.match(result.runs[2]!.error!, /^last could not run: Target '.*': /);
  } finally {
    holder?.kill();
    if (holder && holder.exitCode === null) await once(holder, 'exit');
    cleanup();
  }
});
