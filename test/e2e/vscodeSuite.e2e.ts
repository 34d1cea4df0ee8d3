// The test/vscode mocha suite, run inside a real VS Code (code-server) here,
// where @vscode/test-electron cannot download VS Code. Each in-editor test is
// reported as a subtest, so the summary counts them one by one.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInEditorSuite } from './harness/inEditorSuite';

test('the in-editor mocha suite (test/vscode) inside code-server', { timeout: 300_000 }, async (t) => {
  // ASSET_STUDIO_VSCODE_TEST_GREP narrows the suite while working on one test.
  const result = await runInEditorSuite({ workspace: 'examples/nyc_taxi', grep: process.env.ASSET_STUDIO_VSCODE_TEST_GREP });
  assert.ok(result.tests.length > 0, `the suite ran no tests (extension host exit ${result.exitCode})`);
  for (const r of result.tests) {
    await t.test(r.title, () => {
      if (r.state === 'failed') throw new Error(r.error ?? 'failed');
    });
  }
  const failed = result.tests.filter((r) => r.state === 'failed').length;
  assert.equal(failed, 0, `${failed} in-editor tests failed`);
  assert.equal(result.exitCode, 0, 'the extension host that ran the suite exited with an error');
});
