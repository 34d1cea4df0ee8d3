import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { materializeSelection } from '../../src/core/engine/materializeWorkspace';
import { queryFile, tempDir } from './engineFixtures';

const SRC = resolve(import.meta.dirname, '../../src');
const REPO = resolve(import.meta.dirname, '../..');

/** The state of one asset as a separate process reads it from the file: nothing kept in this process can answer. */
function readStateElsewhere(root: string, key: string): Record<string, unknown> {
  const script = join(root, 'read-state.mts');
  writeFileSync(
    script,
    `import { loadWorkspace } from ${JSON.stringify(join(SRC, 'core/engine/materializeWorkspace.ts'))};
import { findTarget } from ${JSON.stringify(join(SRC, 'core/project/targets.ts'))};
import { readAssetStates } from ${JSON.stringify(join(SRC, 'core/engine/assetStates.ts'))};
const ws = await loadWorkspace(${JSON.stringify(root)});
const target = findTarget(ws.targets, ws.targets.defaultTarget);
if (typeof target === 'string') throw new Error(target);
const state = (await readAssetStates(target, ws.graph, { projectRoot: ws.root })).get(${JSON.stringify(key)});
process.stdout.write(JSON.stringify({ ...state, checks: undefined }));
`,
  );
  const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: REPO, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as Record<string, unknown>;
}

function writeAsset(root: string, body: string): void {
  writeFileSync(join(root, 'bad.sql'), `/* @asset\nname: bad\nchecks:\n  - not_null: [a]\n*/\n${body}`);
}

test("a run's error line is stored: another process reads it back as the state's errorLine; a later failure without a line does not keep the old one", async () => {
  const { dir, cleanup } = tempDir('error-line-');
  try {
    // The SQL starts on line 6; its third line, 8, names a missing column.
    writeAsset(dir, 'select 1 as a,\n  2 as b,\n  missing_col\nfrom range(3)\n');
    const run = await materializeSelection(dir, ['bad'], { env: {} });
    assert.equal(run.result.runs[0]!.status, 'failed');
    assert.equal(run.result.runs[0]!.location?.line, 8);
    const state = readStateElsewhere(dir, 'bad');
    assert.equal(state['status'], 'failed');
    assert.match(String(state['error']), /missing_col/);
    assert.equal(state['errorLine'], 8);

    // Blocked by a check: a failure that belongs to no SQL line.
    writeAsset(dir, 'select null as a\n');
    const blocked = await materializeSelection(dir, ['bad'], { env: {} });
    assert.deepEqual(blocked.result.runs[0]!.blockedBy, ['not_null_a']);
    const after = readStateElsewhere(dir, 'bad');
    assert.equal(after['status'], 'failed');
    assert.equal(after['errorLine'], undefined);
  } finally {
    cleanup();
  }
});

test('a target file whose runs table predates error_line still reads, and gets the column on its next run', async () => {
  const { dir, cleanup } = tempDir('error-line-');
  try {
    const path = join(dir, '.asset-studio', 'dev.duckdb');
    writeAsset(dir, 'select 1 as a\n');
    // Materialize once so the folder and file exist, then put the previous schema back in place of the state tables.
    await materializeSelection(dir, ['bad'], { env: {} });
    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    try {
      await conn.run(`DROP TABLE _asset_studio.runs;
        CREATE TABLE _asset_studio.runs (run_id VARCHAR, key VARCHAR, status VARCHAR, rows BIGINT, started_at TIMESTAMP, finished_at TIMESTAMP, definition_hash VARCHAR, error VARCHAR, target VARCHAR);
        INSERT INTO _asset_studio.runs VALUES ('old', 'bad', 'failed', NULL, TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-01', 'h', 'an old failure', 'dev')`);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    const old = readStateElsewhere(dir, 'bad');
    assert.equal(old['status'], 'failed');
    assert.equal(old['error'], 'an old failure');
    assert.equal(old['errorLine'], undefined);

    writeAsset(dir, 'select 1 as a,\n  nope_col\n');
    const run = await materializeSelection(dir, ['bad'], { env: {} });
    assert.equal(run.result.runs[0]!.status, 'failed');
    const columns = await queryFile(path, "select column_name from duckdb_columns() where schema_name = '_asset_studio' and table_name = 'runs' order by column_index");
    assert.deepEqual(columns.slice(-2).map((c) => c['column_name']), ['error_line', 'runner']);
    const rows = await queryFile(path, 'select run_id, error_line from _asset_studio.runs order by finished_at');
    assert.deepEqual(rows.map((r) => [r['run_id'] === 'old' ? 'old' : 'new', r['error_line']]), [['old', null], ['new', 7]]);
    assert.equal(readStateElsewhere(dir, 'bad')['errorLine'], 7);
  } finally {
    cleanup();
  }
});
