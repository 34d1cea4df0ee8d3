import * as vscode from 'vscode';
import type { AssetNode } from '../core/graph/assetGraph';
import type { AssetStateView } from '../core/editorModel/assetRunOutcome';
import { isMaterializable } from '../core/editorModel/assetLensModel';
import { checkSummaryText, couldNotRun, stateText, stateTooltip } from '../core/editorModel/assetLensText';
import { driftMark, driftText } from '../core/engine/targetDrift';
import type { AssetGraphService } from './assetGraphService';
import type { HeldAgainstTarget } from './heldAgainstTarget';
import { DisposableStore } from './disposables';
import type { TargetSelection } from './targetSelection';
import type { CommandId } from './commands';

export type AssetsViewEntry =
  | { readonly kind: 'group'; readonly root: string; readonly group: string }
  | { readonly kind: 'asset'; readonly root: string; readonly key: string };

const NO_GROUP = 'default';
const SOURCES_GROUP = 'external sources';

/** Assets by their group; external sources (seen only as dependencies) together apart. */
function groupOf(node: AssetNode): string {
  return node.definition.group ?? (node.definition.source === 'external' ? SOURCES_GROUP : NO_GROUP);
}

function stateIcon(node: AssetNode, state: AssetStateView | undefined): vscode.ThemeIcon {
  if (!isMaterializable(node)) return new vscode.ThemeIcon('cloud');
  const failingCheck = [...(state?.checks?.values() ?? [])].some((c) => !c.passed && c.severity === 'error');
  switch (state?.status) {
    case 'failed':
      if (couldNotRun(state)) return new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('disabledForeground'));
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'stale':
      return new vscode.ThemeIcon('history', new vscode.ThemeColor('list.warningForeground'));
    case 'fresh':
      return failingCheck
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    default:
      return new vscode.ThemeIcon('circle-large-outline');
  }
}

/** The Assets view: assets by group, with their state on the current target. */
export class AssetsTreeView implements vscode.TreeDataProvider<AssetsViewEntry>, vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<AssetsViewEntry | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
    private readonly heldAgainst: HeldAgainstTarget,
  ) {
    const view = this.store.add(vscode.window.createTreeView('assetStudio.assets', { treeDataProvider: this, showCollapseAll: true }));
    const describe = (): void => {
      const other = this.heldAgainst.name();
      view.description = other ? `${this.targets.currentName()} against ${other}` : this.targets.currentName();
    };
    describe();
    this.store.add(graphs.onDidChangeGraph(() => this.changed.fire(undefined)));
    this.store.add(graphs.onDidChangeStates(() => this.changed.fire(undefined)));
    this.store.add(
      heldAgainst.onDidChange(() => {
        describe();
        this.changed.fire(undefined);
      }),
    );
    this.store.add(
      targets.onDidChange(() => {
        describe();
        this.changed.fire(undefined);
      }),
    );
  }

  getChildren(entry?: AssetsViewEntry): AssetsViewEntry[] {
    if (!entry) {
      const groups: AssetsViewEntry[] = [];
      for (const { root, graph } of this.graphs.graphs()) {
        const names = new Set([...graph.nodes.values()].map(groupOf));
        for (const group of [...names].sort((a, b) => Number(a === SOURCES_GROUP) - Number(b === SOURCES_GROUP) || a.localeCompare(b))) groups.push({ kind: 'group', root, group });
      }
      return groups;
    }
    if (entry.kind === 'asset') return [];
    const graph = this.graphs.graphOf(entry.root);
    if (!graph) return [];
    return [...graph.nodes.values()]
      .filter((n) => groupOf(n) === entry.group)
      .map((n) => ({ kind: 'asset', root: entry.root, key: n.id }));
  }

  getTreeItem(entry: AssetsViewEntry): vscode.TreeItem {
    if (entry.kind === 'group') {
      const item = new vscode.TreeItem(entry.group, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${entry.root}:${entry.group}`;
      item.iconPath = new vscode.ThemeIcon('folder-library');
      item.contextValue = 'assetGroup';
      if (this.graphs.roots().length > 1) item.description = vscode.workspace.asRelativePath(entry.root);
      return item;
    }
    const node = this.graphs.graphOf(entry.root)?.nodes.get(entry.key);
    const item = new vscode.TreeItem(entry.key, vscode.TreeItemCollapsibleState.None);
    item.id = `asset:${entry.root}:${entry.key}`;
    if (!node) return item;
    const state = this.graphs.states(entry.root).get(entry.key);
    const target = this.targets.currentName();
    const checks = checkSummaryText(
      node.checks.map((c) => c.name),
      state?.checks,
    );
    const other = this.heldAgainst.name();
    const drift = other && isMaterializable(node) ? this.heldAgainst.driftOf(entry.root, entry.key) : undefined;
    const against = drift && other ? driftText(drift, other) : undefined;
    // Short enough for a side bar: what matters first (checks, then state); the source is in the hover.
    item.description = [checks, isMaterializable(node) ? stateText(state, Date.now()) : 'source', drift && other ? driftMark(drift, other) : undefined]
      .filter((s) => s !== undefined)
      .join(' · ');
    const unread = other ? this.heldAgainst.errorFor(entry.root) : undefined;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${entry.key}** (${node.definition.source}${node.definition.kind ? `, ${node.definition.kind}` : ''})`,
        node.definition.description,
        stateTooltip(state, target),
        against ? `Against '${other}': ${against}.` : unread ? `'${other}' could not be read: ${unread}` : undefined,
      ]
        .filter((s) => s)
        .join('\n\n'),
    );
    item.iconPath = stateIcon(node, state);
    item.contextValue = isMaterializable(node) ? 'asset.materializable' : 'asset.external';
    const loc = node.definition.location;
    if (loc.file) {
      item.resourceUri = vscode.Uri.file(loc.file);
      item.command = { title: 'Open Definition', command: 'assetStudio.openDefinition' satisfies CommandId, arguments: [entry.key] };
    }
    return item;
  }

  dispose(): void {
    this.store.dispose();
  }
}
