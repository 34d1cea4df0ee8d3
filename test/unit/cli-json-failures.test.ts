import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

const duckdbModule = createRequire(__filename).resolve('@duckdb/node-api');

function workspace(dir: string): string {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'one.sql'), '/* @asset\nname: raw.one\n*/\nselect 1 as x\n');
  writeFileSync(join(dir, 'asset-studio.yml'), 'targets:\n  dev:\n    type: duckdb\n    path: dev.duckdb\n  live:\n    type: duckdb\n    path: live.duckdb\n    protected: true\n');
  return dir;
}

test('--json refusals print {"error": {"message", "kind"}} on stdout as well as the message on stderr', async () => {
  const { dir, cleanup } = tempDir('cli-json-fail-');
  try {
    const root = workspace(dir);
    const cases: [string[], string, RegExp][] = [
      [['materialize', 'raw.nothing'], 'selection', /raw\.nothing/],
      [['materialize', 'raw.one', '--target', 'nowhere'], 'unknown-target', /nowhere/],
      [['materialize', 'raw.one', '--target', 'live'], 'protected-target', /--confirm live/],
      [['materialize'], 'usage', /SELECTION/],
    ];
    for (const [argv, kind, message] of cases) {
      const r = await cli([...argv, '--json', '--root', root], dir);
      assert.notEqual(r.code, 0);
      const doc = JSON.parse(r.stdout) as { error: { message: string; kind: string } };
      assert.deepEqual(Object.keys(doc), ['error']);
      assert.equal(doc.error.kind, kind, r.stdout);
      assert.match(doc.error.message, message);
      assert.ok(r.stderr.includes(doc.error.message), 'people still read it on stderr');
      // Without --json, stdout stays empty of it.
      assert.equal((await cli([...argv, '--root', root], dir)).stdout, '');
    }
  } finally {
    cleanup();
  }
});

test('--json with the database file locked by another process: kind "locked" on stdout', async () => {
  const { dir, cleanup } = tempDir('cli-json-lock-');
  const root = workspace(dir);
  const file = join(root, 'dev.duckdb');
  const holder = spawn(
    process.execPath,
    ['-e', `const { DuckDBInstance } = require(${JSON.stringify(duckdbModule)});
       (async () => { const i = await DuckDBInstance.create(${JSON.stringify(file)}); await (await i.connect()).run('create table t(x int)'); process.stdout.write('ready\\n'); setInterval(() => {}, 1000); })();`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    const r = await cli(['materialize', 'raw.one', '--json', '--root', root], dir);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout) as { error: { message: string; kind: string } };
    assert.equal(doc.error.kind, 'locked');
    assert.ok(doc.error.message.includes(file), doc.error.message);
  } finally {
    holder.kill();
    cleanup();
  }
});
