import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { discoverDbtProject, parsedDbtSchemaFiles } from '../../src/core/discovery/dbt/dbtProject';
import { readPythonSourceFile, readSqlSourceFile } from '../../src/core/discovery/discoveryFileReads';
import { DiscoveryPool } from '../../src/core/discovery/discoveryPool';
import { loadPythonWorkspaceReader } from '../../src/core/discovery/pythonWorkspaceReader';
import { WORKER_THRESHOLD, WorkspaceIndex } from '../../src/core/discovery/workspaceIndex';

const fixtures = resolve(__dirname, '../fixtures');

/** The fixtures (good and bad) plus enough generated SQL and Python files to start the worker pool. */
function workspace(): { root: string; sql: string[]; py: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-workers-'));
  for (const name of ['sql', 'dagster', 'dbt', 'bad']) cpSync(join(fixtures, name), join(root, name), { recursive: true });
  const sql: string[] = [];
  const py: string[] = [];
  mkdirSync(join(root, 'gen', 'pkg'), { recursive: true });
  for (let i = 0; i < WORKER_THRESHOLD; i++) {
    const f = join(root, 'gen', `s${i}.sql`);
    const header =
      i % 9 === 0
        ? `/* @asset\nname: gen.s${i}\nkind: [oops\n*/\nselect 1\n` // invalid YAML
        : i % 11 === 0
          ? `/* @asset\nname: gen.s${i}\nbogus: 1\nchecks:\n  - not_null: id\n*/\nselect * from {{ nope }} join gen.s${i - 1}\n`
          : `/* @asset\nname: gen.s${i}\ndescription: "é ${i}"\nchecks:\n  - unique: id\n*/\nselect id from ${i > 0 ? `gen.s${i - 1}` : "read_parquet('x.parquet')"} where id > ${i}\n`;
    writeFileSync(f, i % 13 === 0 ? '-- not an asset\nselect 1\n' : header);
    sql.push(f);
  }
  for (let i = 0; i < 60; i++) {
    const f = join(root, 'gen', 'pkg', `m${i}.py`);
    writeFileSync(
      f,
      i % 7 === 0
        ? `from dagster import asset\n\n@asset(deps=[missing_${i}])\ndef p${i}(\n`
        : `import dagster as dg\n\n@dg.asset(deps=["gen/s${i}"])\ndef p${i}(p${i > 0 ? i - 1 : 'x'}):\n    return 1\n`,
    );
    py.push(f);
  }
  writeFileSync(join(root, 'gen', 'latin1.sql'), Buffer.from([0x2f, 0x2a, 0x20, 0x40, 0xe9, 0xff, 0x0a]));
  writeFileSync(join(root, 'gen', 'pkg', 'binary.py'), Buffer.from([0, 1, 2, 3]));
  sql.push(join(root, 'gen', 'latin1.sql'), join(root, 'gen', 'missing.sql'));
  py.push(join(root, 'gen', 'pkg', 'binary.py'), join(root, 'gen', 'pkg', 'missing.py'));
  return { root, sql, py };
}

test('the worker pool reads files exactly as the main thread does', async () => {
  const { root, sql, py } = workspace();
  const pool = DiscoveryPool.open(2);
  assert.ok(pool, 'the worker script is found when running from TypeScript');
  try {
    const context = { root, assetRoots: [join(root, 'gen')] };
    const reader = (await loadPythonWorkspaceReader()).reader!;
    assert.deepEqual(await pool.readSql(sql, context), sql.map((f) => readSqlSourceFile(f, context)));
    assert.deepEqual(await pool.readPython(py), py.map((f) => readPythonSourceFile(reader, f)));
  } finally {
    await pool.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a workspace discovered with and without workers gives the same graph and discoveries', async () => {
  const { root } = workspace();
  try {
    const withWorkers = await WorkspaceIndex.open(root);
    const inThread = await WorkspaceIndex.open(root, { workers: false });
    assert.ok(withWorkers.graph.nodes.size > WORKER_THRESHOLD);
    assert.ok(withWorkers.graph.problems.length > 20);
    assert.deepEqual(withWorkers.discoveries(), inThread.discoveries());
    assert.deepEqual(withWorkers.graph, inThread.graph);
    // A save of a dbt model read in a worker: made again with the project's folder configs
    // (marts: +materialized: table), as after a read in this thread.
    const model = join(root, 'dbt', 'nyc_taxi_dbt', 'models', 'marts', 'daily_trips.sql');
    writeFileSync(model, `${readFileSync(model, 'utf8')}\n-- saved\n`);
    for (const index of [withWorkers, inThread]) await index.updateFiles([model], []);
    assert.equal(withWorkers.discoveries().find((d) => d.file === model)?.assets[0]?.kind, 'table');
    assert.deepEqual(withWorkers.discoveries(), inThread.discoveries());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a pool split by kind reads mixed SQL, Python and dbt tasks as the main thread does, with one worker or two', async () => {
  const { root, sql, py } = workspace();
  const context = { root, assetRoots: [join(root, 'gen')] };
  const reader = (await loadPythonWorkspaceReader()).reader!;
  const chunks = <T>(list: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(list.length / n) }, (_, i) => list.slice(i * n, (i + 1) * n));
  try {
    for (const size of [1, 2]) {
      const pool = DiscoveryPool.open(size)!;
      try {
        const reads = await Promise.all([
          ...chunks(py, 7).map((c) => pool.readPython(c)),
          ...chunks(sql, 20).map((c) => pool.readSql(c, context)),
        ]);
        assert.deepEqual(reads.flat(), [...py.map((f) => readPythonSourceFile(reader, f)), ...sql.map((f) => readSqlSourceFile(f, context))]);
        // A dbt project in a worker: the same project, and the YAML parses the main thread keeps.
        const dbt = resolve(root, 'dbt', 'nyc_taxi_dbt');
        const inWorker = await pool.readDbt(dbt);
        assert.deepEqual(inWorker.project, await discoverDbtProject(dbt));
        const here = new Map(parsedDbtSchemaFiles(dbt));
        assert.ok(inWorker.parsed.length >= 3);
        for (const [file, parsed] of inWorker.parsed) assert.deepEqual(parsed, here.get(file));
      } finally {
        await pool.close();
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('when the workers of one kind die, every task still settles (the other kind takes over, then the callers)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-workers-'));
  try {
    // A worker that answers SQL tasks with nothing and dies on a Python task.
    const script = join(dir, 'worker.js');
    writeFileSync(
      script,
      `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (t) => { if (t.kind === 'python') process.exit(3); parentPort.postMessage({ id: t.id, reads: [] }); });`,
    );
    const pool = DiscoveryPool.open(2, script)!;
    const tasks = [
      ...Array.from({ length: 6 }, () => pool.readPython(['a.py'])),
      ...Array.from({ length: 6 }, () => pool.readSql(['a.sql'], { root: dir })),
    ];
    const settled = await Promise.allSettled(tasks);
    await pool.close();
    assert.ok(settled.slice(0, 6).every((s) => s.status === 'rejected'), 'the Python tasks fail over to the caller');
    assert.ok(settled.slice(6).some((s) => s.status === 'fulfilled'), 'the SQL worker answered before it took a Python task');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
