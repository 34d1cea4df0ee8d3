// The extension inside a running VS Code: active, every contributed command
// has a handler, and its DuckDB engine loaded in this extension host.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';
import type { AssetStudioTestApi } from '../../src/extension/testApi';

const EXTENSION_ID = 'asset-studio.asset-studio';

async function activeExtension(): Promise<vscode.Extension<AssetStudioTestApi | undefined>> {
  const ext = vscode.extensions.getExtension<AssetStudioTestApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this editor`);
  await ext.activate();
  return ext;
}

suite('Asset Studio in VS Code', () => {
  test('activates and returns its test API (only in test mode)', async () => {
    const ext = await activeExtension();
    assert.equal(ext.isActive, true);
    assert.ok(ext.exports, 'in test mode the extension returns its test API');
    assert.deepEqual(Object.keys(ext.exports).sort(), ['assetsView', 'graphs', 'heldAgainst', 'logFile', 'targets']);
  });

  test('registers a handler for every contributed command', async () => {
    const ext = await activeExtension();
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed commands without a handler',
    );
  });

  test('loads DuckDB in the extension host', async function () {
    this.timeout(60_000);
    const ext = await activeExtension();
    const logFile = ext.exports?.logFile ?? '';
    let log = '';
    for (let i = 0; i < 200 && !/DuckDB v?\d+\.\d+\.\d+ ready|DuckDB could not be loaded/.test(log); i++) {
      await sleep(250);
      log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    }
    assert.match(log, /DuckDB v?\d+\.\d+\.\d+ ready/, `log at ${logFile}:\n${log}`);
  });
});
