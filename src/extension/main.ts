import type * as vscode from 'vscode';
import { AssetStudioSession } from './session';

let session: AssetStudioSession | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  session = await AssetStudioSession.start(context);
}

export function deactivate(): void {
  session?.dispose();
  session = undefined;
}
