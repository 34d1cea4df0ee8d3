import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { queryFile, tempDir } from './engineFixtures';

const CLI = resolve(__dirname, '../../src/cli/main.ts');
const REPO = resolve(__dirname, '../..');

/** A workspace whose third asset runs until it is stopped (a 2·10^10-row cross join). */
export function slowWorkspace(dir: string): string {
  const root = join(dir, 'ws');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'asset-studio.yml'), 'targets:\n  dev:\n    type: duckdb\n    path: dev.duckdb\n    threads: 1\n');
  writeFileSync(join(root, 'assets', 'first.sql'), '/* @asset\nname: raw.first\n*/\nselect range as id from range(10)\n');
  writeFileSync(join(root, 'assets', 'second.sql'), '/* @asset\nname: raw.second\nchecks:\n  - not_null: [id]\n*/\nselect id from raw.first\n');
  writeFileSync(join(root, 'assets', 'slow.sql'), '/* @asset\nname: raw.slow\n*/\nselect sum(a.range * b.range) as s from raw.second, range(200000) a, range(100000) b\n');
  return root;
}

/** Starts `asset-studio materialize *` in its own process; resolves once `line` is printed. */
export function startCli(root: string, line: RegExp, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'materialize', '*', '--root', root, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  // Whatever the test expects, the child does not outlive it: raw.slow alone runs for minutes.
  const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void exited.then(() => clearTimeout(guard));
  const seen = new Promise<void>((done, fail) => {
    const look = (t: Buffer) => {
      out += t.toString();
      if (line.test(out)) done();
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    void exited.then(() => fail(new Error(`the CLI exited before printing ${line}: ${out}`)));
  });
  return { child, seen, exited, output: () => out };
}

test('kill -9 in the middle of a plan: every asset that committed has its run row', async () => {
  const { dir, cleanup } = tempDir('history-kill-');
  try {
    const root = slowWorkspace(dir);
    const cli = startCli(root, /✓ raw\/second/);
    try {
      await cli.seen;
      // raw.slow is running now: nothing ends this process more abruptly.
      cli.child.kill('SIGKILL');
      assert.equal((await cli.exited).signal, 'SIGKILL');
    } finally {
      cli.child.kill('SIGKILL');
    }
    const runs = await queryFile(join(root, 'dev.duckdb'), 'select key, status, rows from _asset_studio.runs order by key');
    assert.deepEqual(runs, [
      { key: 'raw/first', status: 'success', rows: '10' },
      { key: 'raw/second', status: 'success', rows: '10' },
    ]);
    const checks = await queryFile(join(root, 'dev.duckdb'), 'select key, name, passed from _asset_studio.check_results');
    assert.deepEqual(checks, [{ key: 'raw/second', name: 'not_null_id', passed: true }]);
    const slow = await queryFile(join(root, 'dev.duckdb'), "select count(*) as n from duckdb_tables() where table_name = 'slow'");
    assert.equal(Number(slow[0]!['n']), 0, 'the interrupted asset left no table');
  } finally {
    cleanup();
  }
});

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  test(`${sig} cancels the CLI's run as the editor does: DuckDB interrupted, rolled back, said, recorded, exit 130`, async () => {
    const { dir, cleanup } = tempDir('history-signal-');
    try {
      const root = slowWorkspace(dir);
      const cli = startCli(root, /✓ raw\/second/);
      let exit: { code: number | null; signal: NodeJS.Signals | null };
      try {
        await cli.seen;
        cli.child.kill(sig);
        exit = await cli.exited;
      } finally {
        cli.child.kill('SIGKILL');
      }
      assert.deepEqual(exit, { code: 130, signal: null }, cli.output());
      assert.match(cli.output(), /materialize: cancelled on dev\.\n {2}rolled back \(their previous data is unchanged\): raw\/slow\n {2}finished before the cancel, and kept: raw\/first, raw\/second/);
      const db = join(root, 'dev.duckdb');
      const runs = await queryFile(db, 'select key, status, error from _asset_studio.runs order by key');
      assert.deepEqual(
        runs.map((r) => [r['key'], r['status']]),
        [
          ['raw/first', 'success'],
          ['raw/second', 'success'],
          ['raw/slow', 'failed'],
        ],
      );
      assert.match(String(runs[2]!['error']), /cancelled; rolled back/);
      const slow = await queryFile(db, "select count(*) as n from duckdb_tables() where table_name = 'slow'");
      assert.equal(Number(slow[0]!['n']), 0);
    } finally {
      cleanup();
    }
  });
}
