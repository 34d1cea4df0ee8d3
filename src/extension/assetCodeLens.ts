import * as vscode from 'vscode';
import { assetLenses, dbtOpLens, lensFingerprint } from '../core/editorModel/assetLensModel';
import type { AssetGraphService } from './assetGraphService';
import { readSettings } from './config';
import { DisposableStore } from './disposables';
import type { TargetSelection } from './targetSelection';
import type { HeldAgainstTarget } from './heldAgainstTarget';

/** Re-check relative times ("3m ago") this often; lenses refresh only when their text changed. */
const AGING_INTERVAL_MS = 30_000;
/** How long to wait for VS Code to ask for the lenses of a visible document after a change, and how often to ask again. */
const RESIGNAL_MS = 1_000;
const RESIGNALS = 5;

/**
 * The lenses above every asset. They come from the last graph and states, so
 * typing never makes them flicker; a refresh is signalled only when what some
 * lens shows (or where) actually changed.
 */
export class AssetCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private lastFingerprint = '';
  /** The text of each asset's definition line as saved (`file:line` → text), to follow it while typing. */
  private readonly anchors = new Map<string, string>();
  /** Visible documents with lenses whose new lenses VS Code has not asked for since the last change. */
  private readonly unasked = new Set<string>();
  private resignal: NodeJS.Timeout | undefined;
  private resignalsLeft = 0;

  constructor(
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
    private readonly heldAgainst: HeldAgainstTarget,
  ) {
    this.store.add(heldAgainst.onDidChange(() => this.refreshIfChanged()));
    this.store.add(vscode.languages.registerCodeLensProvider([{ scheme: 'file', language: 'sql' }, { scheme: 'file', language: 'python' }, { scheme: 'file', pattern: '**/*.sql' }], this));
    this.store.add(
      graphs.onDidChangeGraph(() => {
        // Saved lines may have moved with the new graph: anchors are taken again from saved documents.
        this.anchors.clear();
        this.refreshIfChanged();
      }),
    );
    this.store.add(graphs.onDidChangeStates(() => this.refreshIfChanged()));
    this.store.add(targets.onDidChange(() => this.refreshIfChanged()));
    this.store.add(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('assetStudio.codeLens.enabled')) this.signal();
      }),
    );
    const timer = setInterval(() => this.refreshIfChanged(), AGING_INTERVAL_MS);
    this.store.add({ dispose: () => clearInterval(timer) });
    this.store.add({ dispose: () => clearTimeout(this.resignal) });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    this.unasked.delete(document.uri.toString());
    if (!readSettings(document.uri).codeLensEnabled) return [];
    const now = Date.now();
    const lenses: vscode.CodeLens[] = [];
    for (const { root, node } of this.graphs.assetsIn(document.uri.fsPath)) {
      const target = this.targets.targetFor(root);
      const line = this.lineOf(document, node.definition.location.line - 1);
      const range = new vscode.Range(line, 0, line, 0);
      for (const spec of assetLenses(node, this.graphs.states(root).get(node.id), target?.name ?? this.targets.currentName(), now, this.compareWith(root, node.id))) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: spec.title,
            command: spec.command,
            arguments: [...spec.args],
            tooltip: spec.tooltip,
          }),
        );
      }
    }
    for (const op of this.graphs.dbtOpsIn(document.uri.fsPath)) {
      const line = this.lineOf(document, op.location.line - 1);
      const spec = dbtOpLens(op);
      lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title: spec.title, command: spec.command, arguments: [...spec.args], tooltip: spec.tooltip }));
    }
    return lenses;
  }

  /**
   * Where an asset's definition line is now. The graph knows saved files only:
   * while the document has unsaved edits, the lens follows the saved text of
   * its line (nearest match), so typing above an asset does not strand it.
   */
  private lineOf(document: vscode.TextDocument, savedLine: number): number {
    const last = Math.max(0, document.lineCount - 1);
    const line = Math.min(Math.max(0, savedLine), last);
    const key = `${document.uri.fsPath}:${savedLine}`;
    if (!document.isDirty) {
      this.anchors.set(key, document.lineAt(line).text);
      return line;
    }
    const text = this.anchors.get(key);
    if (text === undefined || (line <= last && document.lineAt(line).text === text)) return line;
    for (let d = 1; d <= 200; d++) {
      for (const candidate of [line + d, line - d]) {
        if (candidate >= 0 && candidate <= last && document.lineAt(candidate).text === text) return candidate;
      }
    }
    return line;
  }

  /** The target a Compare lens compares with: the one a dev run defers to, else the one held against when it holds the asset. */
  private compareWith(root: string, key: string): string | undefined {
    const deferred = this.targets.deferName();
    if (deferred) return deferred;
    const kind = this.heldAgainst.driftOf(root, key)?.kind;
    return kind === 'same' || kind === 'differs' ? this.heldAgainst.name() : undefined;
  }

  /** What the lenses of the visible documents show: other documents are asked for afresh when they are shown. */
  private fingerprint(): string {
    const now = Date.now();
    const parts: string[] = [this.targets.currentName()];
    const files = new Set(vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme === 'file').map((e) => e.document.uri.fsPath));
    for (const file of [...files].sort()) {
      for (const { root, node } of this.graphs.assetsIn(file)) {
        const loc = node.definition.location;
        const targetName = this.targets.targetFor(root)?.name ?? '';
        parts.push(`${loc.file}:${loc.line}`, lensFingerprint([assetLenses(node, this.graphs.states(root).get(node.id), targetName, now, this.compareWith(root, node.id))]));
      }
    }
    return parts.join('\n');
  }

  private refreshIfChanged(): void {
    const next = this.fingerprint();
    if (next === this.lastFingerprint) return;
    this.lastFingerprint = next;
    this.signal();
  }

  /**
   * VS Code drops a lens request that is waiting for its debounce when the
   * editor loses focus, and asks again only when it is focused again: after a
   * run the user is often in Problems or the Testing view, and the lens would
   * keep the pre-run text. So the change is signalled again until every
   * visible document with lenses has been asked for.
   */
  private signal(): void {
    this.unasked.clear();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.scheme === 'file' && this.graphs.assetsIn(editor.document.uri.fsPath).length > 0) this.unasked.add(editor.document.uri.toString());
    }
    this.resignalsLeft = RESIGNALS;
    clearTimeout(this.resignal);
    this.changed.fire();
    this.scheduleResignal();
  }

  private scheduleResignal(): void {
    if (this.unasked.size === 0 || this.resignalsLeft === 0) return;
    this.resignal = setTimeout(() => {
      if (this.unasked.size === 0) return;
      this.resignalsLeft--;
      this.changed.fire();
      this.scheduleResignal();
    }, RESIGNAL_MS);
  }

  dispose(): void {
    this.store.dispose();
  }
}
