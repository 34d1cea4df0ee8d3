import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { openTarget, TargetConnectionError } from '../../src/core/engine/targetConnection';
import type { TargetConfig } from '../../src/core/project/targetConfig';
import { duckTarget, tempDir } from './engineFixtures';

const duckdbModule = createRequire(import.meta.url).resolve('@duckdb/node-api');

test('a duckdb target creates its folder and file on first open, and closes cleanly', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir, { path: join(dir, 'nested', 'deeper', 'dev.duckdb') });
    const db = await openTarget(target, { projectRoot: dir });
    const conn = await db.connect();
    await conn.run('create table t as select 1 as x');
    conn.closeSync();
    db.close();
    assert.ok(existsSync(target.path!));
    // Closed means another instance can open it at once.
    const again = await openTarget(target, { projectRoot: dir });
    again.close();
  } finally {
    cleanup();
  }
});

test('read-only open of a missing file says so and does not create it', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    await assert.rejects(openTarget(target, { projectRoot: dir, readOnly: true }), (e: unknown) => e instanceof TargetConnectionError && e.reason === 'missing-file');
    assert.equal(existsSync(target.path!), false);
  } finally {
    cleanup();
  }
});

test('a file held by another process gives a message naming the file and the process', async () => {
  const { dir, cleanup } = tempDir();
  const target = duckTarget(dir);
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const { DuckDBInstance } = require(${JSON.stringify(duckdbModule)});
       (async () => { const i = await DuckDBInstance.create(${JSON.stringify(target.path)}); await (await i.connect()).run('create table t(x int)'); process.stdout.write('ready\\n'); setInterval(() => {}, 1000); })();`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    await assert.rejects(openTarget(target, { projectRoot: dir }), (e: unknown) => {
      assert.ok(e instanceof TargetConnectionError);
      assert.equal(e.reason, 'locked');
      assert.ok(e.message.includes(target.path!), e.message);
      assert.match(e.message, new RegExp(`is open in another process \\(.*pid ${holder.pid}\\): close it`));
      return true;
    });
  } finally {
    holder.kill();
    cleanup();
  }
});

const md = (extra: Partial<TargetConfig> = {}): TargetConfig => ({
  name: 'prod',
  type: 'motherduck',
  database: 'prod_analytics',
  tokenEnv: 'ASSET_STUDIO_TEST_MD_TOKEN',
  schema: 'main',
  threads: 1,
  env: {},
  protected: true,
  from: 'project',
  ...extra,
});

test('MotherDuck without a token fails at once, naming the target, token_env and the command', async () => {
  await assert.rejects(openTarget(md(), { projectRoot: '/tmp', env: {} }), (e: unknown) => {
    assert.ok(e instanceof TargetConnectionError);
    assert.equal(e.reason, 'no-token');
    assert.match(e.message, /'prod'/);
    assert.match(e.message, /ASSET_STUDIO_TEST_MD_TOKEN \(token_env\)/);
    assert.match(e.message, /Set MotherDuck Token/);
    return true;
  });
});

test('MotherDuck with a token but no network fails with a clear error that never shows the token', async () => {
  const token = 'secret-token-abc123';
  await assert.rejects(
    openTarget(md(), { projectRoot: '/tmp', env: { ASSET_STUDIO_TEST_MD_TOKEN: token }, timeoutMs: 15_000 }),
    (e: unknown) => {
      assert.ok(e instanceof TargetConnectionError);
      assert.equal(e.reason, 'unreachable');
      assert.match(e.message, /cannot reach MotherDuck|did not answer/);
      assert.match(e.message, /md:prod_analytics/);
      assert.ok(!e.message.includes(token));
      assert.ok(!String(e.stack).includes(token));
      return true;
    },
  );
});

test('opens of one file in one process share an instance; the file is free once the last one closes', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const first = await openTarget(target, { projectRoot: dir });
    const second = await openTarget(target, { projectRoot: dir });
    const reader = await openTarget(target, { projectRoot: dir, readOnly: true });
    const c1 = await first.connect();
    await c1.run('create table t as select 1 as x');
    c1.closeSync();
    first.close();
    // Still usable through the others, and they see the same data.
    const c2 = await reader.connect();
    assert.deepEqual((await c2.runAndReadAll('select x from t')).getRowObjectsJson(), [{ x: 1 }]);
    c2.closeSync();
    reader.close();
    second.close();
    // Closed for real: another process can take the file's lock now.
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        ['-e', `const {DuckDBInstance}=require(${JSON.stringify(duckdbModule)});DuckDBInstance.create(${JSON.stringify(target.path)}).then(i=>{i.closeSync();process.exit(0)},e=>{console.error(e.message);process.exit(4)})`],
        { stdio: 'inherit' },
      );
      child.on('exit', resolve);
    });
    assert.equal(code, 0);
  } finally {
    cleanup();
  }
});

test('a read-only open spills to a private folder of this process, never to <file>.tmp beside the database', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = duckTarget(dir);
    const w = await openTarget(target, { projectRoot: dir });
    const wc = await w.connect();
    await wc.run('create table t as select range as x from range(10)');
    wc.closeSync();
    w.close();
    const r = await openTarget(target, { projectRoot: dir, readOnly: true });
    const rc = await r.connect();
    const spill = String((await (await rc.run("select current_setting('temp_directory') as d")).getRowObjects())[0]!['d']);
    // Forced to spill: a sort far bigger than the memory it may use.
    await rc.run("set memory_limit = '40MB'");
    await rc.run('select * from (select range as a, md5(range::varchar) as b from range(3000000)) order by b limit 1');
    rc.closeSync();
    r.close();
    assert.ok(spill.startsWith(tmpdir()) && spill.includes('asset-studio-read-spill-'), spill);
    assert.ok(!existsSync(`${target.path!}.tmp`), 'nothing beside the database');
  } finally {
    cleanup();
  }
});
