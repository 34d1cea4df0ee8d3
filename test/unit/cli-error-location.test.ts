import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { relabelDuckDbLine } from '../../src/cli/runErrorLocation';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

test('a binder error on line 7 of an asset file: the CLI prints file:line from the root, and --json has "file" and "line"', async () => {
  const { dir, cleanup } = tempDir('cli-error-line-');
  try {
    mkdirSync(join(dir, 'assets'));
    // The SQL starts on line 5; line 7 names a column that does not exist.
    writeFileSync(join(dir, 'assets', 'trips.sql'), '/* @asset\nname: raw.trips\nkind: table\n*/\nselect\n  range as id,\n  no_such_column as fare\nfrom range(3)\n');
    const human = await cli(['materialize', 'raw.trips', '--root', dir], dir);
    assert.equal(human.code, 1, human.stderr);
    assert.match(human.stdout, /\n {4}assets\/trips\.sql:7: Binder Error: Referenced column "no_such_column" not found/);
    assert.match(human.stdout, /LINE 7: /, 'DuckDB\'s line of the statement sent is relabelled with the file\'s');
    assert.doesNotMatch(human.stdout, /LINE [0-68-9]:/);

    const json = await cli(['materialize', 'raw.trips', '--json', '--root', dir], dir);
    assert.equal(json.code, 1);
    const run = JSON.parse(json.stdout).runs[0];
    assert.deepEqual(Object.keys(run), ['key', 'status', 'rows', 'duration_ms', 'error', 'file', 'line', 'runner', 'checks']);
    assert.equal(run.file, 'assets/trips.sql');
    assert.equal(run.line, 7);
  } finally {
    cleanup();
  }
});

test("the caret under DuckDB's excerpt follows the label when its width changes", () => {
  const error = 'Binder Error: x\n\nLINE 9: select y\n                ^';
  assert.equal(relabelDuckDbLine(error, 12), 'Binder Error: x\n\nLINE 12: select y\n                 ^');
  assert.equal(relabelDuckDbLine(error, 9), error);
  assert.equal(relabelDuckDbLine('no label here', 3), 'no label here');
});
