import * as vscode from 'vscode';

/** The `assetStudio.*` settings, typed. Read fresh each time: settings change at run time. */
export interface AssetStudioSettings {
  readonly codeLensEnabled: boolean;
  readonly pythonPath: string | undefined;
  readonly lineageFollowActiveEditor: boolean;
}

export function readSettings(scope?: vscode.ConfigurationScope): AssetStudioSettings {
  const c = vscode.workspace.getConfiguration('assetStudio', scope);
  const pythonPath = c.get<string>('pythonPath', '').trim();
  return {
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    pythonPath: pythonPath.length > 0 ? pythonPath : undefined,
    lineageFollowActiveEditor: c.get<boolean>('lineage.followActiveEditor', true),
  };
}
