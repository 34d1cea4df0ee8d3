// The packaged .vsix, installed into a clean code-server, activates on the
// example project, opens DuckDB, shows the target and puts a CodeLens on an asset.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startEditor, type Editor } from './harness/editor';

let editor: Editor;

before(async () => {
  editor = await startEditor({ workspace: 'examples/nyc_taxi', label: 'foundation' });
});

after(async () => {
  await editor?.close();
});

test('the status bar shows the dev target', { timeout: 180_000 }, async () => {
  const text = await editor.statusBarText('assetStudio.target', 120_000);
  assert.equal(text, 'dev');
  const tooltip = await editor.statusBarItem('assetStudio.target').getAttribute('aria-label');
  assert.match(tooltip ?? '', /Asset Studio target: dev/);
  await editor.screenshot('foundation-status-bar');
});

test('the packaged extension activated and opened DuckDB', { timeout: 180_000 }, async () => {
  // What the extension host wrote to the log channel on disk...
  const log = await editor.waitForExtensionLog(/DuckDB v?\d+\.\d+\.\d+ ready/, 120_000);
  assert.doesNotMatch(log, /Activation failed|could not be loaded/);
  // ...and what a user sees through the command.
  await editor.runCommand('Asset Studio: Show Log');
  await editor.filterPanel('DuckDB');
  try {
    await editor.waitForPanelText(/DuckDB v?\d+\.\d+\.\d+ ready/, 60_000);
  } finally {
    await editor.screenshot('foundation-log');
  }
});

test('an asset file shows the Materialize CodeLens', { timeout: 180_000 }, async () => {
  await editor.openFile('assets/raw/taxi_trips.sql');
  const lens = await editor.waitForCodeLens('Materialize', 120_000);
  assert.match(await lens.innerText(), /Materialize/);
  await editor.screenshot('foundation-codelens');
});
