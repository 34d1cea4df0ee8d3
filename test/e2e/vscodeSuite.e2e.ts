// The test/vscode mocha suite, run inside a real VS Code (code-server) here,
// where @vscode/test-electron cannot download VS Code.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInEditorSuite } from './harness/inEditorSuite';

test('the in-editor mocha suite (test/vscode) passes inside code-server', { timeout: 300_000 }, async (t) => {
  // ASSET_STUDIO_VSCODE_TEST_GREP narrows the suite while working on one test.
  const result = await runInEditorSuite({ workspace: 'examples/nyc_taxi', grep: process.env.ASSET_STUDIO_VSCODE_TEST_GREP });
  for (const r of result.tests) t.diagnostic(`${r.state === 'passed' ? '✔' : '✖'} ${r.title}${r.error ? `\n${r.error}` : ''}`);
  assert.ok(result.tests.length > 0, 'the suite ran no tests');
  assert.deepEqual(
    result.tests.filter((r) => r.state === 'failed').map((r) => `${r.title}: ${r.error}`),
    [],
  );
  assert.equal(result.exitCode, 0);
});
