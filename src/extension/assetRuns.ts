import * as vscode from 'vscode';
import { redact } from '../core/engine/tokenRedaction';
import type { AssetRunOutcome } from '../core/editorModel/assetRunOutcome';
import { canRunChecks, isMaterializable } from '../core/editorModel/assetLensModel';
import { runSummary } from '../core/editorModel/runSummaryText';
import { isStateBookkeeping, runProgressText } from '../core/editorModel/runProgressText';
import { planMaterialization } from '../core/engine/materializationPlan';
import { parseSelection } from '../core/engine/selection';
import type { TargetConfig } from '../core/project/targetConfig';
import type { AssetArgument, AssetGraphService, FoundAsset } from './assetGraphService';
import type { CoreAccess } from './coreAccess';
import { DisposableStore } from './disposables';
import type { MotherDuckToken } from './motherDuckToken';
import type { EnvironmentNotice } from './environmentNotice';
import { pythonInterpreterFor } from './pythonInterpreter';
import type { TargetSelection } from './targetSelection';
import { readSettings } from './config';
import { selectionForKey } from '../core/engine/selection';

export type RunScope = 'asset' | 'upstream' | 'downstream';

export interface FinishedRun {
  readonly root: string;
  readonly target: TargetConfig;
  readonly checksOnly: boolean;
  readonly outcomes: readonly AssetRunOutcome[];
}

/** What a command can be given: a key, an Assets-view item, a file (editor title), or nothing (the cursor). */

/**
 * Materialize / run-checks commands: resolve the asset, refuse in untrusted
 * workspaces and for an asset already running, confirm protected targets,
 * show cancellable progress, log every statement, and say how it ended.
 */
export class AssetRuns implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly finished = this.store.add(new vscode.EventEmitter<FinishedRun>());
  readonly onDidFinishRun = this.finished.event;
  private readonly running = new Set<string>();
  private readonly runningChanged = this.store.add(new vscode.EventEmitter<void>());
  /** Fires when an asset starts or finishes building. */
  readonly onDidChangeRunning = this.runningChanged.event;
  /** Asset keys being built now, by folder root. */
  private readonly building = new Map<string, Set<string>>();

  constructor(
    private readonly core: CoreAccess,
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
    private readonly token: MotherDuckToken,
    private readonly log: vscode.LogOutputChannel,
    private readonly environment: EnvironmentNotice,
  ) {
    // Trust is checked on every run, so granting it takes effect at once; say so where runs are logged.
    this.store.add(
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.log.info('Workspace trusted: materializing and running Dagster/dbt are enabled.')),
    );
  }

  /** Finds the asset a command was invoked on, or says why there is none. */
  async resolve(arg: AssetArgument): Promise<FoundAsset | undefined> {
    await this.graphs.ready;
    const found = this.graphs.assetFor(arg);
    if (found) return found;
    const key = typeof arg === 'string' ? arg : arg && !(arg instanceof vscode.Uri) ? arg.key : undefined;
    if (key !== undefined) void vscode.window.showErrorMessage(`Asset Studio: no asset '${key}' in this workspace.`);
    else if (!(arg instanceof vscode.Uri) && !vscode.window.activeTextEditor) {
      void vscode.window.showInformationMessage('Asset Studio: open an asset file, or pick an asset in the Assets view.');
    } else void vscode.window.showInformationMessage('Asset Studio: there is no asset definition here.');
    return undefined;
  }

  /** The materialize and run-checks commands: refused in an untrusted workspace, else runs the asset of `arg`. */
  async runCommand(arg: AssetArgument, scope: RunScope, checksOnly: boolean): Promise<FinishedRun | undefined> {
    if (!vscode.workspace.isTrusted) {
      const manage = 'Manage Workspace Trust';
      const answer = await vscode.window.showWarningMessage(
        `Asset Studio: ${checksOnly ? 'running checks' : 'materializing'} is disabled because this workspace is not trusted — it would run the workspace's SQL, Dagster and dbt. Discovery, lineage and problems keep working.`,
        manage,
      );
      if (answer === manage) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    const found = await this.resolve(arg);
    if (!found) return undefined;
    return this.run(found, scope, checksOnly);
  }

  async run(found: FoundAsset, scope: RunScope, checksOnly: boolean): Promise<FinishedRun | undefined> {
    const { root, graph, node } = found;
    const key = node.id;
    if (checksOnly ? !canRunChecks(node) : !isMaterializable(node)) {
      void vscode.window.showInformationMessage(
        checksOnly && isMaterializable(node)
          ? `Asset Studio: ${key} has no checks.`
          : `Asset Studio: ${key} is a source; it is read, not materialized${checksOnly ? ', and has no checks this workspace can run' : ''}.`,
      );
      return undefined;
    }
    const target = this.targets.targetFor(root);
    if (!target) {
      void vscode.window.showErrorMessage('Asset Studio: the targets of this workspace are not read yet; try again in a moment.');
      return undefined;
    }
    const verb = checksOnly ? 'Checking' : 'Materializing';
    const what = checksOnly
      ? `Run the checks of ${key}`
      : `Materialize ${key}${scope === 'upstream' ? ' with everything upstream' : scope === 'downstream' ? ' with everything downstream' : ''}`;
    const busy = `${root}\u0000${target.name}\u0000${key}`;
    if (this.running.has(busy)) {
      void vscode.window.showInformationMessage(`Asset Studio: ${key} is already running on '${target.name}'.`);
      return undefined;
    }
    this.running.add(busy);
    try {
      // Before asking to confirm a protected run: a target that cannot be reached is said first.
      if (!(await this.environment.checkTarget(target))) return undefined;
      if (!(await this.targets.confirmRun(target, what))) return undefined;
      // Quoted where a part needs it: a key with a space or a comma is still one key.
      const exact = selectionForKey(key);
      const selection = scope === 'upstream' ? `+${exact}` : scope === 'downstream' ? `${exact}+` : exact;
      const usesTools = [...graph.nodes.values()].some((n) => n.definition.source === 'dagster' || n.definition.source === 'dbt');
      const pythonPath = usesTools ? await pythonInterpreterFor(vscode.Uri.file(root), this.log) : undefined;
      const token = await this.token.get();
      const endWrite = this.graphs.beginWrite(root, target.name);
      const started = Date.now();
      this.log.info(`${what} on '${target.name}'`);
      let outcomes: AssetRunOutcome[];
      const total = planSize(graph, selection);
      let startedCount = 0;
      try {
        outcomes = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `${verb} ${key} on '${target.name}'`, cancellable: true },
          async (progress, cancellation) => {
            const abort = new AbortController();
            const sub = cancellation.onCancellationRequested(() => {
              this.log.warn(`Cancelling ${key} on '${target.name}'`);
              abort.abort();
            });
            try {
              return await this.core.run({
                root,
                graph,
                target,
                selections: [selection],
                checksOnly,
                token,
                pythonPath,
                dbtRunner: readSettings(vscode.Uri.file(root)).dbtRunner,
                deferTo: this.targets.deferTargetFor(root),
                signal: abort.signal,
                onEvent: (e) => {
                  switch (e.kind) {
                    case 'statement': {
                      // The user's statements at info; the state schema's bookkeeping only at trace.
                      const line = `[${target.name}]${e.key ? ` ${e.key}:` : ''} ${redact(e.sql, token)}`;
                      if (isStateBookkeeping(e.sql)) this.log.trace(line);
                      else this.log.info(line);
                      break;
                    }
                    case 'output':
                      // Engine messages often name their asset already: say it once.
                      this.log.info(`${e.key && !e.line.startsWith(`${e.key}: `) ? `${e.key}: ` : ''}${redact(e.line, token)}`);
                      break;
                    case 'asset-started':
                      startedCount++;
                      progress.report({
                        message: runProgressText(startedCount, total, e.key),
                        ...(total !== undefined && total > 1 ? { increment: 100 / total } : {}),
                      });
                      this.setBuilding(root, e.key, true);
                      break;
                    case 'asset-finished': {
                      const o = e.outcome;
                      this.setBuilding(root, o.key, false);
                      const log = o.status === 'failed' ? this.log.error.bind(this.log) : this.log.info.bind(this.log);
                      log(`${o.key}: ${o.status}${o.rows !== undefined ? `, ${o.rows} rows` : ''}${o.error ? ` — ${redact(o.error, token)}` : ''}`);
                      for (const c of o.checks) {
                        if (!c.passed) this.log.warn(`  check ${c.name} (${c.severity}) failed: ${c.error ? redact(c.error, token) : `${c.failingRows} failing rows`}`);
                      }
                      break;
                    }
                  }
                },
              });
            } finally {
              sub.dispose();
              this.building.delete(root);
              this.runningChanged.fire();
            }
          },
        );
        this.graphs.recordOutcomes(root, target.name, outcomes, checksOnly);
      } catch (err) {
        const message = redact(err instanceof Error ? err.message : String(err), token);
        // The target could not be opened (unreachable, locked, not a database): nothing ran, so nothing failed.
        if (err instanceof Error && err.name === 'TargetConnectionError') {
          this.log.warn(`${what} could not run on '${target.name}': ${message}`);
          void this.showCouldNotRun(`Asset Studio: ${what} could not run — ${message}`);
          return undefined;
        }
        this.log.error(`${what} on '${target.name}' failed: ${message}`);
        void this.showFailure(`Asset Studio: ${message}`);
        return undefined;
      } finally {
        await endWrite();
      }
      const result: FinishedRun = { root, target, checksOnly, outcomes };
      this.finished.fire(result);
      const summary = runSummary(checksOnly ? 'Checked' : 'Materialized', outcomes, target.name, Date.now() - started);
      this.log.info(summary.text);
      const cancelled = outcomes.some((o) => o.status === 'cancelled');
      const saidByEnvironment = this.environment.reportRun(outcomes, pythonPath, root);
      if (summary.ok || cancelled) void vscode.window.showInformationMessage(`Asset Studio: ${summary.text}`);
      else if (saidByEnvironment) {
        // One notification with its actions is enough.
      } else if (summary.couldNotRun) void vscode.window.showWarningMessage(`Asset Studio: ${redact(summary.text, token)}`);
      else void this.showFailure(`Asset Studio: ${redact(summary.text, token)}`);
      return result;
    } finally {
      this.running.delete(busy);
    }
  }

  /** Whether an asset is being built now (the lineage panel shows it as running). */
  isBuilding(root: string, key: string): boolean {
    return this.building.get(root)?.has(key) ?? false;
  }

  private setBuilding(root: string, key: string, on: boolean): void {
    const keys = this.building.get(root) ?? new Set<string>();
    this.building.set(root, keys);
    if (on) keys.add(key);
    else keys.delete(key);
    this.runningChanged.fire();
  }

  private async showCouldNotRun(text: string): Promise<void> {
    const showLog = 'Show Log';
    if ((await vscode.window.showWarningMessage(text, showLog)) === showLog) this.log.show();
  }

  private async showFailure(text: string): Promise<void> {
    const showLog = 'Show Log';
    if ((await vscode.window.showErrorMessage(text, showLog)) === showLog) this.log.show();
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** How many assets a selection runs, as the engine will plan it; undefined when it cannot say. */
function planSize(graph: FoundAsset['graph'], selection: string): number | undefined {
  try {
    return planMaterialization(graph, parseSelection(selection)).assets.length;
  } catch {
    return undefined; // the run itself reports a bad selection
  }
}

