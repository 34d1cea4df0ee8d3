import * as vscode from 'vscode';
import type { LineageAssetStatus } from '../core/lineage/lineageSnapshot';
import { buildLineageSnapshot } from '../core/lineage/lineageSnapshot';
import type { LineageSnapshot } from '../protocol/lineageMessages';
import type { AssetArgument, AssetGraphService } from './assetGraphService';
import type { AssetRuns } from './assetRuns';
import type { AssetNavigation } from './assetNavigation';
import { DisposableStore } from './disposables';
import { LineagePanel, materializeCommands } from './lineage/lineagePanel';
import type { LineagePanelDeps } from './lineage/lineagePanel';
import type { TargetSelection } from './targetSelection';

/** `assetStudio.showLineage [key]`: the lineage panel, fed from the graph service and the runs. */
export class LineageCommand implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  private readonly deps: LineagePanelDeps;

  constructor(
    context: vscode.ExtensionContext,
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
    runs: AssetRuns,
    navigation: AssetNavigation,
    log: vscode.LogOutputChannel,
  ) {
    for (const event of [graphs.onDidChangeGraph, graphs.onDidChangeStates, targets.onDidChange, runs.onDidChangeRunning]) {
      this.store.add(event(() => this.changed.fire()));
    }
    this.deps = {
      getSnapshot: () => this.snapshot(runs),
      onDidChange: this.changed.event,
      openDefinition: (key) => void navigation.open(key),
      materialize: (key, mode) => void vscode.commands.executeCommand(materializeCommands[mode], key),
      previewData: (key) => void vscode.commands.executeCommand('assetStudio.previewData', key),
      log,
      keyAt: (uri, line) => this.graphs.assetAt(uri.fsPath, line)?.node.id,
    };
    // A panel open when the window reloads comes back (activation event onWebviewPanel:assetStudio.lineage).
    this.store.add(
      vscode.window.registerWebviewPanelSerializer(LineagePanel.viewType, {
        deserializeWebviewPanel: async (panel) => {
          await this.graphs.ready;
          LineagePanel.revive(context, this.deps, panel);
        },
      }),
    );
    this.store.add(
      vscode.commands.registerCommand('assetStudio.showLineage', async (arg?: AssetArgument) => {
        await this.graphs.ready;
        LineagePanel.show(context, this.deps, this.graphs.assetFor(arg)?.node.id ?? (typeof arg === 'string' ? arg : undefined));
      }),
    );
  }

  /** The first folder with a graph (the panel draws one graph). */
  private snapshot(runs: AssetRuns): LineageSnapshot {
    const first = this.graphs.graphs()[0];
    if (!first) return { nodes: [], edges: [] };
    const { root, graph } = first;
    const states = this.graphs.states(root);
    const statusOf = (key: string): LineageAssetStatus | undefined => {
      if (runs.isBuilding(root, key)) return { state: 'running' };
      const state = states.get(key);
      if (!state) return undefined;
      const names = new Set(graph.nodes.get(key)?.checks.map((c) => c.name) ?? []);
      const results = [...(state.checks?.values() ?? [])].filter((c) => names.has(c.name));
      return {
        state: state.status,
        checksPassed: results.filter((c) => c.passed).length,
        checksFailed: results.filter((c) => !c.passed).length,
        ...(state.finishedAt !== undefined ? { lastRun: new Date(state.finishedAt).toISOString() } : {}),
      };
    };
    return buildLineageSnapshot(graph, statusOf, this.targets.targetFor(root)?.name);
  }

  dispose(): void {
    this.store.dispose();
  }
}
