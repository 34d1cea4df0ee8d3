import * as vscode from 'vscode';
import type { AssetDrift } from '../core/engine/targetDrift';
import { driftMark, driftText } from '../core/engine/targetDrift';
import type { HeldAgainstTarget } from './heldAgainstTarget';
import type { LineageAssetStatus } from '../core/lineage/lineageSnapshot';
import { buildLineageSnapshot } from '../core/lineage/lineageSnapshot';
import type { LineageAssetDetails, LineageSnapshot } from '../protocol/lineageMessages';
import { buildAssetDetails } from '../core/lineage/lineageDetails';
import { couldNotRun } from '../core/editorModel/assetLensText';
import type { AssetArgument, AssetGraphService } from './assetGraphService';
import type { AssetRuns } from './assetRuns';
import type { AssetNavigation } from './assetNavigation';
import { DisposableStore } from './disposables';
import { LineagePanel, materializeCommands } from './lineage/lineagePanel';
import { OpeningTimeline } from './lineage/openingTimeline';
import { LayoutMemory } from './lineage/layoutMemory';
import type { LineagePanelDeps } from './lineage/lineagePanel';
import type { TargetSelection } from './targetSelection';
import type { MotherDuckToken } from './motherDuckToken';
import { PanelColumnLineage } from './lineage/panelColumnLineage';
import type { CommandId } from './commands';

/** `assetStudio.showLineage [key]`: the lineage panel, fed from the graph service and the runs. */
export class LineageCommand implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  private readonly deps: LineagePanelDeps;
  private discovered = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
    runs: AssetRuns,
    navigation: AssetNavigation,
    log: vscode.LogOutputChannel,
    token: MotherDuckToken,
    private readonly heldAgainst: HeldAgainstTarget,
  ) {
    void graphs.discovered.then(() => (this.discovered = true));
    for (const event of [graphs.onDidChangeGraph, graphs.onDidChangeStates, targets.onDidChange, runs.onDidChangeRunning, heldAgainst.onDidChange]) {
      this.store.add(event(() => this.changed.fire()));
    }
    const columns = new PanelColumnLineage({
      current: () => this.graphs.graphs()[0],
      targetFor: (root) => this.targets.targetFor(root),
      token: () => token.get(),
    });
    // A run can change a table's columns; a new graph or target is read afresh anyway.
    this.store.add(graphs.onDidChangeStates(() => columns.invalidate()));
    this.deps = {
      getSnapshot: () => this.snapshot(runs),
      onDidChange: this.changed.event,
      openDefinition: (key, column) => void navigation.open(key, column),
      materialize: (key, mode) => void vscode.commands.executeCommand(materializeCommands[mode], key),
      previewData: (key) => void vscode.commands.executeCommand('assetStudio.previewData' satisfies CommandId, key),
      compare: (key) => void vscode.commands.executeCommand('assetStudio.compareWithTarget' satisfies CommandId, key),
      runChecks: (key) => void vscode.commands.executeCommand('assetStudio.runChecks' satisfies CommandId, key),
      details: (key) => this.details(key),
      columns: (key) => columns.columns(key),
      traceColumn: (key, column) => columns.trace(key, column),
      log,
      layouts: new LayoutMemory(context.workspaceState, String(context.extension.packageJSON.version ?? '')),
      keyAt: (uri, line) => this.graphs.assetAt(uri.fsPath, line)?.node.id,
    };
    // A panel open when the window reloads comes back (activation event onWebviewPanel:assetStudio.lineage).
    this.store.add(
      vscode.window.registerWebviewPanelSerializer(LineagePanel.viewType, {
        deserializeWebviewPanel: async (panel) => {
          await this.graphs.discovered;
          LineagePanel.revive(context, this.deps, panel);
        },
      }),
    );
  }

  /** `assetStudio.showLineage [key]`. */
  async show(arg?: AssetArgument): Promise<void> {
    const timeline = new OpeningTimeline();
    const keyOf = (): string | undefined => this.graphs.assetFor(arg)?.node.id ?? (typeof arg === 'string' ? arg : undefined);
    // The page boots while discovery ends; the graph is drawn before the targets' states are read.
    const panel = LineagePanel.show(this.context, this.deps, this.discovered ? keyOf() : typeof arg === 'string' ? arg : undefined, {
      timeline,
      awaitingGraph: !this.discovered,
    });
    if (!this.discovered) {
      await this.graphs.discovered;
      timeline.mark('graph discovered');
    }
    panel.graphArrived(keyOf());
  }

  /** The details pane of one asset of the first folder (the one the panel draws). */
  private async details(key: string): Promise<LineageAssetDetails | undefined> {
    const first = this.graphs.graphs()[0];
    if (!first) return undefined;
    const runs = await this.graphs.recentRuns(first.root, key);
    return buildAssetDetails(first.graph, key, this.graphs.states(first.root).get(key), runs, this.targets.targetFor(first.root)?.name);
  }

  /** The first folder with a graph (the panel draws one graph). */
  private snapshot(runs: AssetRuns): LineageSnapshot {
    const first = this.graphs.graphs()[0];
    if (!first) return { nodes: [], edges: [] };
    const { root, graph } = first;
    const states = this.graphs.states(root);
    const other = this.heldAgainst.name();
    // A deferring run reads what this target has not built from the deferred one (the engine's rule).
    const deferred = this.targets.deferName();
    const statusOf = (key: string): LineageAssetStatus | undefined => {
      if (runs.isBuilding(root, key)) return { state: 'running' };
      const state = states.get(key);
      if (!state) return undefined;
      const drift = other ? this.heldAgainst.driftOf(root, key) : undefined;
      const names = new Set(graph.nodes.get(key)?.checks.map((c) => c.name) ?? []);
      const results = [...(state.checks?.values() ?? [])].filter((c) => names.has(c.name));
      return {
        state: couldNotRun(state) ? 'could-not-run' : state.status,
        checksPassed: results.filter((c) => c.passed).length,
        checksFailed: results.filter((c) => !c.passed && c.severity !== 'warn').length,
        checksWarned: results.filter((c) => !c.passed && c.severity === 'warn').length,
        ...(state.finishedAt !== undefined ? { lastRun: new Date(state.finishedAt).toISOString() } : {}),
        ...(state.rows !== undefined ? { rows: state.rows } : {}),
        ...(state.rowsAdded !== undefined ? { rowsAdded: state.rowsAdded } : {}),
        ...(state.partitions !== undefined ? { partitions: state.partitions } : {}),
        ...(drift && other ? { against: againstOf(drift, other) } : {}),
        ...(deferred && state.status === 'never' ? { deferredFrom: deferred } : {}),
      };
    };
    const snapshot = buildLineageSnapshot(graph, statusOf, this.targets.targetFor(root)?.name);
    return this.graphs.statesKnown(root) ? snapshot : { ...snapshot, statesPending: true };
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** How an asset stands against the held target, as a lineage node carries it. */
function againstOf(drift: AssetDrift, other: string): NonNullable<LineageAssetStatus['against']> {
  const mark = driftMark(drift, other);
  return { target: other, drift: drift.kind, text: driftText(drift, other), ...(mark ? { mark } : {}) };
}
