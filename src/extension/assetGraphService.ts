import * as vscode from 'vscode';
import type { RecentRun } from '../core/engine/recentRuns';
import type { AssetGraph, AssetNode, DbtOp } from '../core/graph/assetGraph';
import type { AssetRunOutcome, AssetStateView } from '../core/editorModel/assetRunOutcome';
import { TargetStateCache } from '../core/editorModel/targetStateCache';
import type { CoreAccess, WorkspaceIndexAccess } from './coreAccess';
import { DisposableStore } from './disposables';
import type { MotherDuckToken } from './motherDuckToken';
import type { TargetSelection } from './targetSelection';

const DEBOUNCE_MS = 150;

interface FolderIndex {
  readonly root: string;
  index?: WorkspaceIndexAccess;
  /** Changes waiting for the debounce. */
  readonly changed: Set<string>;
  readonly deleted: Set<string>;
  updating: Promise<void>;
}

/** What a command is invoked with: a key, a view item, a file (the explorer), or nothing (the active editor). */
export type AssetArgument = string | { readonly key?: string } | vscode.Uri | undefined;

export interface FoundAsset {
  readonly root: string;
  readonly graph: AssetGraph;
  readonly node: AssetNode;
}

/**
 * The one source of the asset graph in the editor: a WorkspaceIndex per
 * workspace folder kept live by a file watcher, and (through a
 * TargetStateCache) each asset's state per target. Every feature reads from
 * here and listens to its events.
 */
export class AssetGraphService implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly graphChanged = this.store.add(new vscode.EventEmitter<void>());
  private readonly statesChanged = this.store.add(new vscode.EventEmitter<void>());
  readonly onDidChangeGraph = this.graphChanged.event;
  readonly onDidChangeStates = this.statesChanged.event;
  private readonly folders = new Map<string, FolderIndex>();
  private timer: NodeJS.Timeout | undefined;
  private readonly stateCache: TargetStateCache;
  private readyResolve!: () => void;
  /** Resolves once every folder has been read the first time. */
  readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  private discoveredResolve!: () => void;
  /** Resolves once every folder's graph is known, before the targets' states are read (DuckDB can be slow). */
  readonly discovered = new Promise<void>((resolve) => (this.discoveredResolve = resolve));

  constructor(
    private readonly core: CoreAccess,
    private readonly targets: TargetSelection,
    private readonly token: MotherDuckToken,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.stateCache = new TargetStateCache({
      current: (root) => {
        const graph = this.folders.get(root)?.index?.graph;
        const target = this.targets.targetFor(root);
        return graph && target ? { graph, target } : undefined;
      },
      read: async (root, graph, target) => this.core.readStates(root, graph, target, await this.token.get()),
      changed: () => this.statesChanged.fire(),
      warn: (message) => this.log.warn(message),
    });
    // pyproject.toml names the module Dagster loads the Python files below it from.
    const watcher = this.store.add(vscode.workspace.createFileSystemWatcher('**/{*.sql,*.py,*.yml,*.yaml,pyproject.toml}'));
    this.store.add(watcher.onDidCreate((uri) => this.queue(uri, false)));
    this.store.add(watcher.onDidChange((uri) => this.queue(uri, false)));
    this.store.add(watcher.onDidDelete((uri) => this.queue(uri, true)));
    this.store.add(
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) this.closeFolder(f.uri.fsPath);
        for (const f of e.added) void this.openFolder(f.uri.fsPath);
      }),
    );
    this.store.add(targets.onDidChange(() => void this.refreshStates()));
    this.store.add(token.onDidChange(() => void this.refreshStates()));
    this.store.add({ dispose: () => clearTimeout(this.timer) });
  }

  /** Opens every folder's index; called after activation returns so the editor is never held up. */
  async start(): Promise<void> {
    const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    let left = roots.length;
    const oneDiscovered = (): void => {
      if (--left <= 0) this.discoveredResolve();
    };
    await Promise.all(roots.map((r) => this.openFolder(r, false, oneDiscovered)));
    this.discoveredResolve();
    this.readyResolve();
  }

  /** Reads every folder again from scratch (the Rediscover command). */
  async rediscover(): Promise<void> {
    const roots = this.roots();
    this.folders.clear();
    for (const root of roots) this.stateCache.forget(root);
    await Promise.all(roots.map((r) => this.openFolder(r, true)));
  }

  private async openFolder(root: string, fresh = false, discovered?: () => void): Promise<void> {
    if (this.folders.has(root)) return;
    const folder: FolderIndex = { root, changed: new Set(), deleted: new Set(), updating: Promise.resolve() };
    this.folders.set(root, folder);
    const started = Date.now();
    const index = await this.core.openIndex(root, { fresh }).catch((err: unknown) => {
      this.log.error(`Discovery failed in ${root}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (this.folders.get(root) !== folder) return;
    folder.index = index;
    // A change of targets re-reads every folder's state (the onDidChange listener); otherwise this folder's is read here.
    let statesRead = false;
    if (index) {
      statesRead = await this.targets.reload(root, index.graph);
      const cache = index.cacheUse;
      const read = cache ? `; ${cache.read} files read, ${cache.hits} unchanged since the last start` : '';
      this.log.info(
        `Discovered ${index.graph.nodes.size} assets and ${index.graph.problems.length} problems in ${root} (${Date.now() - started} ms${read})`,
      );
      for (const line of index.graph.unseen) this.log.info(`Not read statically: ${line}`);
    }
    this.graphChanged.fire();
    discovered?.();
    if (!statesRead) await this.refreshStates(root);
  }

  private closeFolder(root: string): void {
    this.folders.delete(root);
    this.stateCache.forget(root);
    this.targets.forget(root);
    this.graphChanged.fire();
  }

  private queue(uri: vscode.Uri, deleted: boolean): void {
    if (uri.scheme !== 'file') return;
    const folder = this.folderOf(uri.fsPath);
    if (!folder) return;
    const file = uri.fsPath;
    if (deleted) {
      folder.changed.delete(file);
      folder.deleted.add(file);
    } else {
      folder.deleted.delete(file);
      folder.changed.add(file);
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), DEBOUNCE_MS);
  }

  private flush(): void {
    for (const folder of this.folders.values()) {
      if (folder.changed.size === 0 && folder.deleted.size === 0) continue;
      const changed = [...folder.changed];
      const deleted = [...folder.deleted];
      folder.changed.clear();
      folder.deleted.clear();
      // Updates of one folder run one after another, never interleaved.
      folder.updating = folder.updating.then(() => this.update(folder, changed, deleted));
    }
  }

  private async update(folder: FolderIndex, changed: string[], deleted: string[]): Promise<void> {
    const index = folder.index;
    if (!index) return;
    const before = index.graph;
    try {
      const after = await index.updateFiles(changed, deleted);
      const touchesTargets = [...changed, ...deleted].some((f) => /(^|[\\/])(asset-studio\.yml|profiles\.yml)$/.test(f));
      const targetsChanged = (touchesTargets || after.nodes.size !== before.nodes.size) && (await this.targets.reload(folder.root, after));
      if (after !== before) {
        this.graphChanged.fire();
        // Staleness depends on definition hashes: re-read after a definition changed (a change of targets has re-read already).
        if (!targetsChanged) await this.refreshStates(folder.root);
      }
    } catch (err) {
      this.log.error(`Re-reading ${changed.length + deleted.length} files failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The last runs of one asset on the folder's current target, or why they could not be read. */
  async recentRuns(root: string, key: string): Promise<RecentRun[] | { readonly error: string }> {
    const target = this.targets.targetFor(root);
    if (!target) return { error: 'the targets are not read yet' };
    try {
      return await this.core.readRecentRuns(root, key, target, await this.token.get());
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Re-reads the current target's state of one folder (or all); skipped while a run writes to it. */
  refreshStates(root?: string): Promise<void> {
    return this.stateCache.refresh(root ? (this.folders.has(root) ? [root] : []) : [...this.folders.keys()]);
  }

  /**
   * Takes what a run just said into the cache at once, so lenses and views
   * change the moment it ends; the read of the target that follows replaces it.
   */
  recordOutcomes(root: string, targetName: string, outcomes: readonly AssetRunOutcome[], checksOnly: boolean, nowMs = Date.now()): void {
    if (this.folders.has(root)) this.stateCache.record(root, targetName, outcomes, checksOnly, nowMs);
  }

  /** Marks a target as being written (no state reads meanwhile); the returned function ends it and refreshes. */
  beginWrite(root: string, targetName: string): () => Promise<void> {
    return this.stateCache.beginWrite(root, targetName);
  }

  roots(): string[] {
    return [...this.folders.keys()];
  }

  graphOf(root: string): AssetGraph | undefined {
    return this.folders.get(root)?.index?.graph;
  }

  graphs(): { root: string; graph: AssetGraph }[] {
    return [...this.folders.values()].flatMap((f) => (f.index ? [{ root: f.root, graph: f.index.graph }] : []));
  }

  /** Whether the current target's state of a folder has been read (or found unreadable) at least once. */
  statesKnown(root: string): boolean {
    const target = this.targets.targetFor(root);
    return target !== undefined && this.stateCache.known(root, target.name);
  }

  /** The state of every asset of a folder on the current target. */
  states(root: string): ReadonlyMap<string, AssetStateView> {
    const target = this.targets.targetFor(root);
    return this.stateCache.states(root, target?.name);
  }

  findAsset(key: string): FoundAsset | undefined {
    for (const { root, graph } of this.graphs()) {
      const node = graph.nodes.get(key) ?? graph.find(key);
      if (node) return { root, graph, node };
    }
    return undefined;
  }

  /**
   * The asset a command argument names: by key, or in a file — the asset at
   * the cursor when the file is the active editor's, else the file's first.
   */
  assetFor(arg: AssetArgument): FoundAsset | undefined {
    if (typeof arg === 'string') return this.findAsset(arg);
    if (arg && !(arg instanceof vscode.Uri)) return typeof arg.key === 'string' ? this.findAsset(arg.key) : undefined;
    const editor = vscode.window.activeTextEditor;
    const file = arg instanceof vscode.Uri ? arg.fsPath : editor?.document.uri.fsPath;
    if (!file) return undefined;
    const line = editor && editor.document.uri.fsPath === file ? editor.selection.active.line + 1 : Number.MAX_SAFE_INTEGER;
    return this.assetAt(file, line) ?? this.assetsIn(file)[0];
  }

  /** The asset defined at or above a 1-based line of a file. */
  assetAt(file: string, line: number): FoundAsset | undefined {
    const folder = this.folderOf(file);
    const graph = folder?.index?.graph;
    const node = graph?.assetAt(file, line);
    return folder && graph && node ? { root: folder.root, graph, node } : undefined;
  }

  /** Every asset whose definition is in the file, in line order (external sources are references, not definitions). */
  assetsIn(file: string): FoundAsset[] {
    const folder = this.folderOf(file);
    const graph = folder?.index?.graph;
    if (!folder || !graph) return [];
    return graph.assetsIn(file).map((node) => ({ root: folder.root, graph, node }));
  }

  /** The `@dbt_assets` ops defined in the file (not assets: the ops that run the dbt models). */
  dbtOpsIn(file: string): readonly DbtOp[] {
    return this.folderOf(file)?.index?.graph.dbtOps.filter((op) => op.location.file === file) ?? [];
  }

  /** The graph of the workspace folder holding a file, whether or not the file defines an asset. */
  graphFor(file: string): { root: string; graph: AssetGraph } | undefined {
    const folder = this.folderOf(file);
    const graph = folder?.index?.graph;
    return folder && graph ? { root: folder.root, graph } : undefined;
  }

  private folderOf(file: string): FolderIndex | undefined {
    let best: FolderIndex | undefined;
    for (const folder of this.folders.values()) {
      const root = folder.root.endsWith('/') ? folder.root : `${folder.root}/`;
      if ((file === folder.root || file.startsWith(root)) && (!best || folder.root.length > best.root.length)) best = folder;
    }
    return best;
  }

  dispose(): void {
    this.store.dispose();
  }
}
