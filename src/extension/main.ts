import type * as vscode from 'vscode';
import { AssetStudioSession } from './session';

let session: AssetStudioSession | undefined;

/** Returns the session as the extension's API: the in-editor tests reach the features through it. */
export async function activate(context: vscode.ExtensionContext): Promise<AssetStudioSession> {
  session = await AssetStudioSession.start(context);
  return session;
}

export function deactivate(): void {
  session?.dispose();
  session = undefined;
}
