import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readPythonSourceFile } from '../../src/core/discovery/python/pythonFileRead';
import { DiscoveryPool } from '../../src/core/discovery/discoveryPool';
import { loadPythonWorkspaceReader } from '../../src/core/discovery/pythonWorkspaceReader';
import { WORKER_THRESHOLD } from '../../src/core/discovery/python/pythonFileSource';
import { SqlFileSource } from '../../src/core/discovery/sql/sqlFileSource';
import { WorkspaceIndex } from '../../src/core/discovery/workspaceIndex';

const fixtures = resolve(__dirname, '../fixtures');

/** The fixtures (good and bad) plus enough generated Python files to start the worker pool, and as many SQL files. */
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
  for (let i = 0; i < WORKER_THRESHOLD; i++) {
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

test('the worker pool reads Python files exactly as the main thread does, with one worker or two', async () => {
  const { root, py } = workspace();
  const reader = (await loadPythonWorkspaceReader()).reader!;
  const chunks = <T>(list: readonly T[], n: number): T[][] => Array.from({ length: Math.ceil(list.length / n) }, (_, i) => list.slice(i * n, (i + 1) * n));
  try {
    for (const size of [1, 2]) {
      const pool = DiscoveryPool.open(size);
      assert.ok(pool, 'the worker script is found when running from TypeScript');
      try {
        if (size === 2) pool.prestart();
        const reads = await Promise.all(chunks(py, 7).map((c) => pool.readPython(c)));
        assert.deepEqual(reads.flat(), py.map((f) => readPythonSourceFile(reader, f)));
      } finally {
        await pool.close();
      }
    }
  } finally {
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

test('when the workers die, every task still settles: rejected, for the caller to read it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-workers-'));
  try {
    // A worker that answers its first task with nothing and dies on the next.
    const script = join(dir, 'worker.js');
    writeFileSync(
      script,
      `const { parentPort } = require('node:worker_threads');
let n = 0;
parentPort.on('message', (t) => { if (n++ > 0) process.exit(3); parentPort.postMessage({ id: t.id, reads: [] }); });`,
    );
    const pool = DiscoveryPool.open(2, script)!;
    const settled = await Promise.allSettled(Array.from({ length: 8 }, () => pool.readPython(['a.py'])));
    await pool.close();
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 2, 'each worker answered its first task');
    assert.ok(settled.filter((s) => s.status === 'rejected').length === 6, 'the rest fail over to the caller');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cold start hands its first Python chunk to the workers before this thread reads its SQL files', async () => {
  const { root } = workspace();
  const events: string[] = [];
  const readPython = DiscoveryPool.prototype.readPython;
  const readAll = SqlFileSource.prototype.readAll;
  DiscoveryPool.prototype.readPython = function (this: DiscoveryPool, files) {
    events.push('python chunk to a worker');
    return readPython.call(this, files);
  };
  SqlFileSource.prototype.readAll = function (this: SqlFileSource, files, cache) {
    events.push('this thread reads SQL');
    return readAll.call(this, files, cache);
  };
  try {
    const index = await WorkspaceIndex.open(root);
    assert.ok(index.graph.nodes.size > WORKER_THRESHOLD);
    // The workers start while this thread reads its own files, not after its first slice of them
    // and its own grammar's loading.
    assert.deepEqual(events.slice(0, 2), ['python chunk to a worker', 'this thread reads SQL']);
  } finally {
    DiscoveryPool.prototype.readPython = readPython;
    SqlFileSource.prototype.readAll = readAll;
    rmSync(root, { recursive: true, force: true });
  }
});
