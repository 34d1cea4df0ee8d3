import * as vscode from 'vscode';
import { DBT_RUNNER_CHOICES } from '../core/engine/dbtRunnerChoice';
import type { DbtRunnerChoice } from '../core/engine/dbtRunnerChoice';

/** The `assetStudio.*` settings, typed. Read fresh each time: settings change at run time. */
export interface AssetStudioSettings {
  readonly codeLensEnabled: boolean;
  readonly pythonPath: string | undefined;
  readonly lineageFollowActiveEditor: boolean;
  /** Who runs dbt models; undefined: asset-studio.yml's `dbt_runner`, else auto. */
  readonly dbtRunner: DbtRunnerChoice | undefined;
}

export function readSettings(scope?: vscode.ConfigurationScope): AssetStudioSettings {
  // Per-folder settings are read for the resource; window settings without one (VS Code warns otherwise).
  const c = vscode.workspace.getConfiguration('assetStudio', scope);
  const window = vscode.workspace.getConfiguration('assetStudio');
  const pythonPath = c.get<string>('pythonPath', '').trim();
  const dbtRunner = c.get<string>('dbtRunner', 'default');
  return {
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    pythonPath: pythonPath.length > 0 ? pythonPath : undefined,
    lineageFollowActiveEditor: window.get<boolean>('lineage.followActiveEditor', true),
    dbtRunner: (DBT_RUNNER_CHOICES as readonly string[]).includes(dbtRunner) ? (dbtRunner as DbtRunnerChoice) : undefined,
  };
}
