import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryFile, tempDir } from './engineFixtures';
import { cli } from './cliRun';

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A project with a protected local target `live`, one asset with a passing and a failing (warn) check. */
function project(dir: string): string {
  writeFileSync(join(dir, 'asset-studio.yml'), 'targets:\n  dev: { type: duckdb, path: dev.duckdb }\n  live: { type: duckdb, path: live.duckdb, protected: true }\n');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'assets', 'nums.sql'),
    '/* @asset\nname: nums\nchecks:\n  - not_null: [id]\n  - { name: few, severity: warn, sql: "select * from {{ this }} where id > 1" }\n*/\nselect range as id from range(3)\n',
  );
  return join(dir, 'live.duckdb');
}

test('checks on a protected target without --confirm read only: no file is created, nothing is stored, the results are still reported', async () => {
  const { dir, cleanup } = tempDir('protected-checks-');
  try {
    const live = project(dir);
    // Nothing there yet: checking must not create the database.
    const before = await cli(['check', '--target', 'live', '--json'], dir);
    assert.equal(before.code, 1);
    assert.match(before.stderr, /Target 'live': .*live\.duckdb does not exist yet/);
    assert.equal(existsSync(live), false);

    const built = await cli(['materialize', 'nums', '--target', 'live', '--confirm', 'live', '--json'], dir);
    assert.equal(built.code, 0, built.stderr + built.stdout);
    const stored = async () => ({
      runs: Number((await queryFile(live, 'select count(*) as n from _asset_studio.runs'))[0]!['n']),
      checks: Number((await queryFile(live, 'select count(*) as n from _asset_studio.check_results'))[0]!['n']),
    });
    assert.deepEqual(await stored(), { runs: 1, checks: 2 });
    const bytes = sha(live);

    const checked = await cli(['check', '--target', 'live', '--json'], dir);
    assert.equal(checked.code, 0, checked.stderr + checked.stdout);
    assert.deepEqual(JSON.parse(checked.stdout).runs[0].checks, [
      { name: 'not_null_id', passed: true, severity: 'error', failing_rows: 0 },
      { name: 'few', passed: false, severity: 'warn', failing_rows: 1 },
    ]);
    assert.equal(sha(live), bytes, 'the file is byte for byte the same');
    assert.deepEqual(await stored(), { runs: 1, checks: 2 });

    // Confirmed, the check results are kept; a checks-only run still never counts as a materialization.
    const confirmed = await cli(['check', '--target', 'live', '--confirm', 'live', '--json'], dir);
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.deepEqual(await stored(), { runs: 1, checks: 4 });
  } finally {
    cleanup();
  }
});
