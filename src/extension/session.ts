import * as vscode from 'vscode';
import { DisposableStore } from './disposables';
import { TargetStatusItem } from './targetStatusItem';
import type { CoreAccess } from './coreAccess';
import { lazyCoreAccess } from './coreAccess';
import { MotherDuckToken } from './motherDuckToken';
import { TargetSelection } from './targetSelection';
import { AssetGraphService } from './assetGraphService';
import { ProblemDiagnostics } from './problemDiagnostics';
import { AssetCodeLensProvider } from './assetCodeLens';
import { AssetRuns } from './assetRuns';
import { CheckTestController } from './checkTestController';
import { AssetsTreeView } from './assetsTreeView';
import { HeldAgainstTarget } from './heldAgainstTarget';
import { AssetNavigation } from './assetNavigation';
import { LineageCommand } from './lineageCommand';
import { CompiledSqlView } from './compiledSqlView';
import { CompareView } from './compareView';
import { DataPanelCommands } from './data/dataPanelCommands';
import { DataPanel } from './data/dataPanel';
import { EnvironmentNotice } from './environmentNotice';
import { EnvironmentCheck } from './environmentCheck';
import { AssetLanguageFeatures } from './assetLanguageFeatures';
import type { Command, CommandFeatures } from './commands';
import { commands } from './commands';

/**
 * The one object that owns everything the extension registers. Features are
 * created here, in order, and disposed in reverse when the extension stops;
 * their commands are wired in commands.ts and registered here, in one loop.
 */
export class AssetStudioSession implements vscode.Disposable {
  private readonly store = new DisposableStore();
  readonly log: vscode.LogOutputChannel;
  /** Set by registerFeatures; the in-editor tests reach some through testApi.ts. */
  graphs!: AssetGraphService;
  targets!: TargetSelection;
  assetsView!: AssetsTreeView;
  heldAgainst!: HeldAgainstTarget;

  private constructor(
    readonly context: vscode.ExtensionContext,
    private readonly core: CoreAccess,
  ) {
    this.log = this.store.add(vscode.window.createOutputChannel('Asset Studio', { log: true }));
  }

  static async start(context: vscode.ExtensionContext): Promise<AssetStudioSession> {
    const started = performance.now();
    const session = new AssetStudioSession(
      context,
      lazyCoreAccess(async () =>
        (await import('./coreBinding')).createCoreAccess({ cacheDir: (context.storageUri ?? context.globalStorageUri).fsPath }),
      ),
    );
    context.subscriptions.push(session);
    try {
      session.registerFeatures();
      session.log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms; discovery continues in the background`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      session.log.error(`Activation failed: ${message}`);
      void vscode.window.showErrorMessage(`Asset Studio could not start: ${message}`, 'Show Log').then((choice) => {
        if (choice === 'Show Log') session.log.show();
      });
    }
    return session;
  }

  private registerFeatures(): void {
    const statusItem = this.store.add(new TargetStatusItem());
    const token = this.store.add(new MotherDuckToken(this.context.secrets));
    this.targets = this.store.add(new TargetSelection(this.core, this.context.workspaceState, statusItem, this.log));
    this.graphs = this.store.add(new AssetGraphService(this.core, this.targets, token, this.log));
    const heldAgainst = (this.heldAgainst = this.store.add(new HeldAgainstTarget(this.core, this.graphs, this.targets, token, this.context.workspaceState, this.log)));
    this.store.add(new AssetCodeLensProvider(this.graphs, this.targets, heldAgainst));
    const environment = this.store.add(new EnvironmentNotice(token, this.log));
    this.targets.checkTarget = (target) => environment.checkTarget(target);
    const environmentCheck = this.store.add(new EnvironmentCheck(this.graphs, this.targets, token, environment, this.log));
    const runs = this.store.add(new AssetRuns(this.core, this.graphs, this.targets, token, this.log, environment));
    this.store.add(new ProblemDiagnostics(this.graphs, this.targets));
    this.store.add(new CheckTestController(this.graphs, runs, this.targets));
    this.assetsView = this.store.add(new AssetsTreeView(this.graphs, this.targets, heldAgainst));
    const navigation = this.store.add(new AssetNavigation(this.graphs));
    const lineage = this.store.add(new LineageCommand(this.context, this.graphs, this.targets, runs, navigation, this.log, token, heldAgainst));
    const compiledSql = this.store.add(new CompiledSqlView(this.core, this.graphs, this.targets, token));
    const dataDeps = { core: this.core, graphs: this.graphs, targets: this.targets, token, log: this.log };
    const compare = this.store.add(new CompareView(this.core, this.graphs, this.targets, token, this.log, (spec) => DataPanel.showCompare(this.context, dataDeps, spec)));
    this.store.add(new AssetLanguageFeatures(this.graphs, this.targets, token));
    const data = this.store.add(new DataPanelCommands(this.context, dataDeps));
    this.registerCommands({
      log: this.log,
      runs,
      heldAgainst,
      targets: this.targets,
      token,
      lineage,
      navigation,
      environment: environmentCheck,
      compiledSql,
      compare,
      data,
    });
    // Heavy work after activation returns, so the editor is never held up.
    setTimeout(() => {
      void this.checkEngine();
      void this.graphs.start();
    }, 0);
  }

  private registerCommands(features: CommandFeatures): void {
    for (const [id, command] of Object.entries<Command>(commands)) {
      this.store.add(vscode.commands.registerCommand(id, (...args: never[]) => command(features, ...args)));
    }
  }

  private async checkEngine(): Promise<void> {
    try {
      const version = await this.core.probeDuckDb();
      this.log.info(`DuckDB ${version} ready`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`DuckDB could not be loaded: ${message}`);
      void vscode.window.showErrorMessage(`Asset Studio: DuckDB could not be loaded (${message}).`);
    }
  }

  dispose(): void {
    this.store.dispose();
  }
}
