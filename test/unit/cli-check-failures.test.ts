import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAssetStates } from '../../src/core/engine/assetStates';
import { loadWorkspace } from '../../src/core/engine/materializeWorkspace';
import { checkFailureMessage } from '../../src/core/editorModel/checkResultProblems';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

test('row_count failing on 3 rows says "3 rows, max 2", in the CLI and in what the editor reads back', async () => {
  const { dir, cleanup } = tempDir('cli-checkfail-');
  try {
    // A first run that passes makes the database; the next one fails on 3 rows.
    writeFileSync(join(dir, 'small.sql'), '/* @asset\nname: small\nchecks:\n  - row_count: { max: 2 }\n*/\nselect range as id from range(2)\n');
    assert.equal((await cli(['materialize', 'small'], dir)).code, 0);
    writeFileSync(join(dir, 'small.sql'), '/* @asset\nname: small\nchecks:\n  - row_count: { max: 2 }\n*/\nselect range as id from range(3)\n');
    const r = await cli(['materialize', 'small', '--json'], dir);
    assert.equal(r.code, 1);
    const human = await cli(['materialize', 'small'], dir);
    assert.match(human.stdout, /\n {4}error row_count: 3 rows, max 2 \(small\.sql:4\)\n {4}rolled back/);
    assert.doesNotMatch(human.stdout, /failing row/);
    // The editor reads the last result back from the target's state.
    const ws = await loadWorkspace(dir);
    const states = await readAssetStates(ws.targets.targets.find((t) => t.name === 'dev')!, ws.graph, { projectRoot: dir });
    const check = states.get('small')!.checks!.get('row_count')!;
    assert.equal(check.failure, '3 rows, max 2');
    assert.match(checkFailureMessage('small', check, 'dev'), /: 3 rows, max 2$/);
  } finally {
    cleanup();
  }
});

test('the failing rows, up to 5, are printed under a failed check with how many there were', async () => {
  const { dir, cleanup } = tempDir('cli-checkfail-');
  try {
    writeFileSync(join(dir, 'base.sql'), "/* @asset\nname: base\nchecks:\n  - accepted_values: { column: kind, values: [a] }\n*/\nselect range as id, 'k' || range as kind from range(7)\n");
    const r = await cli(['materialize', 'base'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /error accepted_values_kind: 7 failing rows \(base\.sql:4\)\n {8}id │ kind\n {8}─+┼─+\n {8}0  │ k0\n {8}1  │ k1\n {8}2  │ k2\n {8}3  │ k3\n {8}4  │ k4\n {8}\(5 of 7 shown\)\n/);
  } finally {
    cleanup();
  }
});
