import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

/** A Dagster project whose checks need Dagster, which this machine lacks. */
function dagsterProject(dir: string): string {
  const root = join(dir, 'proj');
  mkdirSync(join(root, 'pkg'), { recursive: true });
  writeFileSync(
    join(root, 'pkg', 'defs.py'),
    [
      'import dagster as dg',
      '',
      '@dg.asset',
      'def orders():',
      '    return 1',
      '',
      '@dg.asset_check(asset=orders)',
      'def orders_not_empty():',
      '    return dg.AssetCheckResult(passed=True)',
      '',
      '@dg.asset(deps=[orders])',
      'def summary():',
      '    return 2',
      '',
    ].join('\n'),
  );
  return root;
}

test('check where no check could run exits non-zero and says what did not run and why', async () => {
  const { dir, cleanup } = tempDir('cli-none-');
  try {
    const root = dagsterProject(dir);
    const human = await cli(['check', '--root', root], dir);
    assert.notEqual(human.code, 0, human.stdout);
    assert.match(human.stdout, /nothing was checked/);
    assert.match(human.stdout, /orders: .*orders_not_empty.*Dagster/);
    const json = await cli(['check', '--json', '--root', root], dir);
    assert.notEqual(json.code, 0);
    const doc = JSON.parse(json.stdout) as { runs: { key: string; status: string; error: string | null }[] };
    const orders = doc.runs.find((r) => r.key === 'orders')!;
    assert.equal(orders.status, 'skipped');
    assert.match(orders.error!, /Dagster/);
  } finally {
    cleanup();
  }
});

test('an asset with no checks is not a check that could not run; a SQL check that ran keeps exit 0', async () => {
  const { dir, cleanup } = tempDir('cli-none-');
  try {
    const root = join(dir, 'sqlproj');
    mkdirSync(root);
    writeFileSync(join(root, 'a.sql'), '/* @asset\nname: raw.a\nchecks:\n  - not_null: [x]\n*/\nselect 1 as x\n');
    assert.equal((await cli(['materialize', '*', '--root', root], dir)).code, 0);
    const ok = await cli(['check', '--root', root], dir);
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /checked on dev: 1 succeeded, 0 failed, 0 skipped \(1 check ran\)/);
  } finally {
    cleanup();
  }
});

test('a materialize in which assets were skipped exits non-zero and lists them with the reason', async () => {
  const { dir, cleanup } = tempDir('cli-none-');
  try {
    const root = join(dir, 'sqlproj');
    mkdirSync(root);
    writeFileSync(join(root, 'a.sql'), '/* @asset\nname: raw.a\nchecks:\n  - row_count: { min: 5 }\n*/\nselect 1 as x\n');
    writeFileSync(join(root, 'b.sql'), '/* @asset\nname: raw.b\n*/\nselect * from raw.a\n');
    const run = await cli(['materialize', '*', '--root', root], dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /did not run: 1 asset\n {2}raw\/b: upstream raw\/a failed/);
  } finally {
    cleanup();
  }
});

test('check runs the checks it can downstream of an asset whose checks only Dagster can run', async () => {
  const { dir, cleanup } = tempDir('cli-none-');
  try {
    const root = dagsterProject(dir);
    writeFileSync(join(root, 'report.sql'), '/* @asset\nname: report\ndepends: [summary, orders]\nchecks:\n  - row_count: { min: 1 }\n*/\nselect 1 as n\n');
    // Build the SQL asset alone (its Dagster upstream cannot run here), then check everything.
    const built = await cli(['materialize', 'report', '--root', root], dir);
    assert.equal(built.code, 0, built.stdout);
    const r = await cli(['check', '--json', '--root', root], dir);
    const runs = (JSON.parse(r.stdout) as { runs: { key: string; status: string; checks: unknown[] }[] }).runs;
    const report = runs.find((x) => x.key === 'report')!;
    assert.deepEqual([report.status, report.checks.length], ['success', 1]);
    assert.equal(runs.find((x) => x.key === 'orders')!.status, 'skipped');
    assert.equal(r.code, 1, 'a check that could not run still fails the command');
  } finally {
    cleanup();
  }
});
