// The extension inside a running VS Code: active, every contributed command
// has a handler, and its DuckDB engine loaded in this extension host.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';
import type { AssetStudioSession } from '../../src/extension/session';

const EXTENSION_ID = 'asset-studio.asset-studio';

async function activeExtension(): Promise<vscode.Extension<AssetStudioSession>> {
  const ext = vscode.extensions.getExtension<AssetStudioSession>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this editor`);
  await ext.activate();
  return ext;
}

suite('Asset Studio in VS Code', () => {
  test('activates and returns its session', async () => {
    const ext = await activeExtension();
    assert.equal(ext.isActive, true);
    assert.ok(ext.exports.log, 'the session exposes its log channel');
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
    // The log channel's file: <context.logUri>/Asset Studio.log.
    const logFile = join(ext.exports.context.logUri.fsPath, 'Asset Studio.log');
    let log = '';
    for (let i = 0; i < 200 && !/DuckDB v?\d+\.\d+\.\d+ ready|DuckDB could not be loaded/.test(log); i++) {
      await sleep(250);
      log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    }
    assert.match(log, /DuckDB v?\d+\.\d+\.\d+ ready/, `log at ${logFile}:\n${log}`);
  });
});
