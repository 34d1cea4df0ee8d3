import * as vscode from 'vscode';
import { join } from 'node:path';
import type { AssetGraphService } from './assetGraphService';
import type { AssetsTreeView } from './assetsTreeView';
import type { HeldAgainstTarget } from './heldAgainstTarget';
import type { AssetStudioSession } from './session';
import type { TargetSelection } from './targetSelection';

/**
 * What the in-editor tests (test/vscode) may reach inside the extension: the
 * parts they assert on, not the session. Returned by activate only when the
 * editor runs the extension's tests, so no other extension can depend on it.
 */
export interface AssetStudioTestApi {
  readonly graphs: Pick<AssetGraphService, 'ready' | 'onDidChangeGraph' | 'findAsset' | 'graphOf' | 'states' | 'refreshStates'>;
  /** `ask` is replaced by tests to answer the protected-target question. */
  readonly targets: Pick<TargetSelection, 'currentName' | 'select' | 'targetFor' | 'ask'>;
  readonly assetsView: Pick<AssetsTreeView, 'getChildren' | 'getTreeItem'>;
  readonly heldAgainst: Pick<HeldAgainstTarget, 'hold'>;
  /** The file the log channel writes to. */
  readonly logFile: string;
}

export function testApiFor(session: AssetStudioSession, context: vscode.ExtensionContext): AssetStudioTestApi | undefined {
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    graphs: session.graphs,
    targets: session.targets,
    assetsView: session.assetsView,
    heldAgainst: session.heldAgainst,
    logFile: join(context.logUri.fsPath, 'Asset Studio.log'),
  };
}
