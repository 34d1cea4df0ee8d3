import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

test('with no asset-studio.yml, a run that writes nothing leaves no database in the project; the first one that writes says where it created it', async () => {
  const { dir, cleanup } = tempDir('cli-defaultdb-');
  try {
    writeFileSync(join(dir, 'bad.sql'), '/* @asset\nname: bad\n*/\nselect no_such_column from range(3)\n');
    const failed = await cli(['materialize', 'bad'], dir);
    assert.equal(failed.code, 1);
    assert.equal(existsSync(join(dir, '.asset-studio')), false, 'a failed run created .asset-studio/');
    const checked = await cli(['check'], dir);
    assert.notEqual(checked.code, 0);
    assert.equal(existsSync(join(dir, '.asset-studio')), false, 'a check created .asset-studio/');
    assert.doesNotMatch(failed.stdout + checked.stdout, /created/);

    writeFileSync(join(dir, 'good.sql'), '/* @asset\nname: good\n*/\nselect 1 as x\n');
    const built = await cli(['materialize', 'good'], dir);
    assert.equal(built.code, 0, built.stdout);
    assert.match(built.stdout, /^created \.asset-studio\/dev\.duckdb: the built-in 'dev' database/m);
    assert.ok(existsSync(join(dir, '.asset-studio', 'dev.duckdb')));
    const again = await cli(['materialize', 'good'], dir);
    assert.doesNotMatch(again.stdout, /created/);
  } finally {
    cleanup();
  }
});
