// What every in-editor suite starts from: the extension's test API, once discovery
// has read the workspace, and the example project's folder when it is the one open.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AssetStudioTestApi } from '../../src/extension/testApi';

const EXTENSION_ID = 'asset-studio.asset-studio';

export async function testApi(): Promise<AssetStudioTestApi> {
  const ext = vscode.extensions.getExtension<AssetStudioTestApi | undefined>(EXTENSION_ID);
  assert.ok(ext, 'the extension is installed');
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api, 'the extension returns its test API in test mode');
  await api.graphs.ready;
  return api;
}

/** The workspace folder when it is the example project (examples/nyc_taxi, copied), else undefined. */
export function exampleRoot(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) return undefined;
  try {
    return readFileSync(join(folder, 'asset-studio.yml'), 'utf8').includes('nyc_taxi') ? folder : undefined;
  } catch {
    return undefined;
  }
}
