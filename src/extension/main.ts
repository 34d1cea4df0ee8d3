import type * as vscode from 'vscode';
import { AssetStudioSession } from './session';
import type { AssetStudioTestApi } from './testApi';
import { testApiFor } from './testApi';

let session: AssetStudioSession | undefined;

/** The extension has no API; the in-editor tests get a narrow one (testApi.ts) in test mode only. */
export async function activate(context: vscode.ExtensionContext): Promise<AssetStudioTestApi | undefined> {
  session = await AssetStudioSession.start(context);
  return testApiFor(session, context);
}

export function deactivate(): void {
  session?.dispose();
  session = undefined;
}
