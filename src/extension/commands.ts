import type * as vscode from 'vscode';
import type { AssetArgument } from './assetGraphService';
import type { AssetNavigation } from './assetNavigation';
import type { AssetRuns } from './assetRuns';
import type { CompareView } from './compareView';
import type { CompiledSqlView } from './compiledSqlView';
import type { DataPanelCommands } from './data/dataPanelCommands';
import type { EnvironmentCheck } from './environmentCheck';
import type { HeldAgainstTarget } from './heldAgainstTarget';
import type { LineageCommand } from './lineageCommand';
import type { MotherDuckToken } from './motherDuckToken';
import type { TargetSelection } from './targetSelection';

/** The session's features the commands run on. */
export interface CommandFeatures {
  readonly log: Pick<vscode.LogOutputChannel, 'show'>;
  readonly runs: AssetRuns;
  readonly heldAgainst: HeldAgainstTarget;
  readonly targets: TargetSelection;
  readonly token: MotherDuckToken;
  readonly lineage: LineageCommand;
  readonly navigation: AssetNavigation;
  readonly environment: EnvironmentCheck;
  readonly compiledSql: CompiledSqlView;
  readonly compare: CompareView;
  readonly data: DataPanelCommands;
}

/** Arguments are what menus, lenses and other commands pass; the result is what executeCommand returns. */
export type Command = (features: CommandFeatures, ...args: never[]) => unknown;

/**
 * What the extension can do, in one place: every command of package.json's
 * contributes.commands and the feature method it runs. The session registers
 * them all; features never register commands themselves. No runtime import of
 * vscode here, so a unit test can hold the table against package.json.
 */
export const commands = {
  'assetStudio.materialize': (f, arg?: AssetArgument) => f.runs.runCommand(arg, 'asset', false),
  'assetStudio.materializeWithUpstream': (f, arg?: AssetArgument) => f.runs.runCommand(arg, 'upstream', false),
  'assetStudio.materializeWithDownstream': (f, arg?: AssetArgument) => f.runs.runCommand(arg, 'downstream', false),
  'assetStudio.runChecks': (f, arg?: AssetArgument) => f.runs.runCommand(arg, 'asset', true),
  'assetStudio.holdAgainstTarget': (f) => f.heldAgainst.choose(),
  'assetStudio.selectTarget': (f) => f.targets.pick(),
  'assetStudio.setMotherDuckToken': (f) => f.token.promptAndStore(),
  'assetStudio.clearMotherDuckToken': (f) => f.token.clear(),
  'assetStudio.showLineage': (f, arg?: AssetArgument) => f.lineage.show(arg),
  'assetStudio.refresh': (f) => f.navigation.refresh(),
  'assetStudio.showLog': (f) => f.log.show(),
  'assetStudio.showEnvironmentProblems': (f) => f.environment.showProblems(),
  'assetStudio.showCompiledSql': (f, arg?: AssetArgument) => f.compiledSql.show(arg),
  'assetStudio.compareWithTarget': (f, arg?: AssetArgument, toName?: string) => f.compare.compare(arg, toName),
  'assetStudio.previewPromotion': (f, arg?: AssetArgument) => f.compare.preview(arg),
  'assetStudio.previewData': (f, arg?: AssetArgument) => f.data.preview(arg),
  'assetStudio.runQuery': (f, uri?: vscode.Uri) => f.data.runQuery(uri),
  'assetStudio.openDefinition': (f, arg?: string | { key: string }) => f.navigation.open(arg),
} as const satisfies Record<string, Command>;

export type CommandId = keyof typeof commands;
