import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import type { AssetGraph, AssetNode } from '../core/graph/assetGraph';
import type { AssetColumnLineageReader, CatalogColumns } from '../core/lineage/assetColumnLineage';
import type { AssetStateView } from '../core/editorModel/assetRunOutcome';
import type { AssetReference, TextRange } from '../core/language/assetReferences';
import { assetReferenceAt, assetReferencesTo, warmReferenceIndex } from '../core/language/assetReferences';
import { NODE_COMPLETION_KINDS, completionSiteAt, completionsAt, warmCompletions } from '../core/language/assetCompletions';
import type { ColumnInfo } from '../core/editorModel/assetHoverText';
import { assetHoverMarkdown, columnHoverMarkdown } from '../core/editorModel/assetHoverText';
import { hasBuiltData } from '../core/editorModel/assetLensModel';
import type { AssetGraphService } from './assetGraphService';
import { DisposableStore } from './disposables';
import type { MotherDuckToken } from './motherDuckToken';
import type { TargetSelection } from './targetSelection';
import type { CommandId } from './commands';
import { withinDeadline } from '../core/withinDeadline';

/** Files that can name assets: SQL assets and dbt models, dbt YAML, Dagster Python. */
const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'sql' },
  { scheme: 'file', language: 'python' },
  { scheme: 'file', language: 'yaml' },
  // By file name too: where no extension gives .sql, .py or .yml files their language.
  { scheme: 'file', pattern: '**/*.{sql,py,yml,yaml}' },
];

/**
 * How long a hover waits for columns not read ahead: within its 20 ms budget. A read that takes
 * longer (opening the database) lands in the cache, and the next hover shows them.
 */
const COLUMN_WAIT_MS = 15;

interface ColumnsWanted {
  readonly node: AssetNode;
  /** Of the asset's last run: a new run reads its columns again. */
  readonly finishedAt: number | undefined;
}

/** Assets whose columns are read ahead of a hover, at most, and how long after a change of states or editors. */
const READ_AHEAD_MAX = 50;
const READ_AHEAD_DELAY_MS = 300;

/** More completions than this are narrowed to what was typed, and asked for again as the user types. */
const MAX_COMPLETIONS = 1000;

function toRange(r: TextRange): vscode.Range {
  return new vscode.Range(r.line - 1, r.column - 1, r.endLine - 1, r.endColumn - 1);
}

/**
 * F12, Shift+F12, hover and completion on asset references (docs/language-features.md):
 * thin glue over src/core/language, answering from the live graph.
 */
export class AssetLanguageFeatures implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private warming: NodeJS.Timeout[] = [];
  private readAheadTimer: NodeJS.Timeout | undefined;
  private readingAhead: Promise<void> = Promise.resolve();
  /** The completion sites asked for in this session whose lists are built from the graph's nodes. */
  private readonly completedKinds = new Set<(typeof NODE_COMPLETION_KINDS)[number]>();
  /** Columns per `root, target, asset, finishedAt`: a new run of the asset reads them again. */
  private readonly columns = new Map<string, Promise<readonly ColumnInfo[] | undefined>>();
  /**
   * Column lineage per graph and per read of the target's states (a run that builds an upstream brings
   * its catalog columns, so `*` over it expands); a reader whose catalog read was too slow is not kept.
   */
  private readonly lineage = new WeakMap<AssetGraph, WeakMap<ReadonlyMap<string, AssetStateView>, AssetColumnLineageReader>>();

  constructor(
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
    private readonly token: MotherDuckToken,
  ) {
    this.store.add(vscode.languages.registerDefinitionProvider(SELECTOR, { provideDefinition: (doc, pos) => this.definition(doc, pos) }));
    this.store.add(vscode.languages.registerReferenceProvider(SELECTOR, { provideReferences: (doc, pos, context) => this.references(doc, pos, context.includeDeclaration) }));
    this.store.add(vscode.languages.registerHoverProvider(SELECTOR, { provideHover: (doc, pos) => this.hover(doc, pos) }));
    this.store.add(
      vscode.languages.registerCompletionItemProvider(SELECTOR, { provideCompletionItems: (doc, pos) => this.complete(doc, pos) }, '.', "'", '"', ' '),
    );
    this.store.add(targets.onDidChange(() => this.columns.clear()));
    this.store.add({ dispose: () => this.warming.forEach(clearTimeout) });
    this.store.add({ dispose: () => clearTimeout(this.readAheadTimer) });
    this.store.add(graphs.onDidChangeStates(() => this.readAhead()));
    this.store.add(vscode.window.onDidChangeVisibleTextEditors(() => this.readAhead()));
    this.store.add(
      graphs.onDidChangeGraph(() => {
        this.columns.clear();
        // A newer graph replaces the lists not built yet.
        this.warming.forEach(clearTimeout);
        this.warming = [];
        // Indexed now rather than on the first F12 or completion after a save. Completion lists only of
        // the kinds used so far, one per task: a rebuilt graph's lists cost tens of ms each.
        for (const { graph } of graphs.graphs()) {
          warmReferenceIndex(graph);
          for (const kind of this.completedKinds) this.warming.push(setTimeout(() => warmCompletions(graph, kind), 0));
        }
      }),
    );
  }

  private referenceAt(doc: vscode.TextDocument, pos: vscode.Position): { ref: AssetReference; root: string } | undefined {
    const found = this.graphs.graphFor(doc.uri.fsPath);
    if (!found) return undefined;
    const ref = assetReferenceAt(found.graph, doc.uri.fsPath, doc.getText(), { line: pos.line + 1, column: pos.character + 1 });
    return ref ? { ref, root: found.root } : undefined;
  }

  private definition(doc: vscode.TextDocument, pos: vscode.Position): vscode.DefinitionLink[] | undefined {
    const at = this.referenceAt(doc, pos);
    const loc = at?.ref.target.definition.location;
    // An external source has no definition to go to: its only "location" is the first place that read it.
    if (!at || !loc || at.ref.target.definition.source === 'external') return undefined;
    const target = new vscode.Position(Math.max(0, loc.line - 1), Math.max(0, loc.column - 1));
    return [{ originSelectionRange: toRange(at.ref.range), targetUri: vscode.Uri.file(loc.file), targetRange: new vscode.Range(target, target) }];
  }

  /** Shift+F12: where the asset's dependents name it; on a definition line, that asset's. */
  private references(doc: vscode.TextDocument, pos: vscode.Position, includeDeclaration: boolean): vscode.Location[] | undefined {
    const found = this.graphs.graphFor(doc.uri.fsPath);
    if (!found) return undefined;
    const node = this.referenceAt(doc, pos)?.ref.target ?? found.graph.assetAt(doc.uri.fsPath, pos.line + 1);
    if (!node) return undefined;
    const textOf = (file: string) => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file)?.getText() ?? readText(file);
    const sites = assetReferencesTo(found.graph, node.id, textOf).map((r) => new vscode.Location(vscode.Uri.file(r.file), toRange(r.range)));
    const loc = node.definition.location;
    if (!includeDeclaration || node.definition.source === 'external') return sites;
    const at = new vscode.Position(Math.max(0, loc.line - 1), Math.max(0, loc.column - 1));
    return [new vscode.Location(vscode.Uri.file(loc.file), at), ...sites];
  }

  private async hover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const at = this.referenceAt(doc, pos);
    if (!at) return this.columnHover(doc, pos);
    const { ref, root } = at;
    const state = this.graphs.states(root).get(ref.target.id);
    const target = this.targets.targetFor(root);
    const built = !!target && hasBuiltData(state);
    const read = built ? await this.columnsOf(root, ref.target, state?.finishedAt) : undefined;
    const columns = read === 'late' ? undefined : read;
    const markdown = new vscode.MarkdownString(
      assetHoverMarkdown({
        node: ref.target,
        root,
        state,
        targetName: target?.name ?? this.targets.currentName(),
        nowMs: Date.now(),
        ...(columns ? { columns } : read === 'late' ? { columnsPending: true } : {}),
      }),
    );
    markdown.isTrusted = { enabledCommands: ['assetStudio.materialize', 'assetStudio.previewData', 'assetStudio.showLineage'] satisfies CommandId[] };
    return new vscode.Hover(markdown, toRange(ref.range));
  }

  /** On an output column's name in a SQL asset's query: where its value comes from (column lineage of the saved SQL). */
  private async columnHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const found = this.graphs.graphFor(doc.uri.fsPath);
    const node = found?.graph.assetAt(doc.uri.fsPath, pos.line + 1);
    const sql = node?.definition.sql;
    if (!found || !node || !sql || pos.line + 1 < sql.sqlLine) return undefined;
    const word = doc.getWordRangeAtPosition(pos, /[\p{L}\p{N}_$]+/u);
    if (!word) return undefined;
    const name = doc.getText(word).toLowerCase();
    const reader = await this.lineageReader(found.root, found.graph);
    try {
      // Upstream catalogs not read yet: the trace goes on and is cached; this hover stays within its budget.
      const traced = await withinDeadline(reader.lineageOf(node.id), COLUMN_WAIT_MS);
      if (traced === 'late') return undefined;
      const column = traced.columns.find((c) => c.name.toLowerCase() === name);
      if (!column) return undefined;
      const markdown = new vscode.MarkdownString(columnHoverMarkdown(node.id, column));
      markdown.isTrusted = { enabledCommands: ['assetStudio.showLineage'] satisfies CommandId[] };
      return new vscode.Hover(markdown, word);
    } catch {
      // SQL that does not parse has no column lineage; its syntax error is already a problem at its line.
      return undefined;
    }
  }

  /** Column lineage whose upstream columns come from the target's catalog when built there, else from their own SQL. */
  private async lineageReader(root: string, graph: AssetGraph): Promise<AssetColumnLineageReader> {
    const states = this.graphs.states(root);
    let byStates = this.lineage.get(graph);
    if (!byStates) this.lineage.set(graph, (byStates = new WeakMap()));
    let reader = byStates.get(states);
    if (reader) return reader;
    const { AssetColumnLineageReader } = await import('../core/lineage/assetColumnLineage');
    const kept = byStates;
    const catalog: CatalogColumns = async (node) => {
      const state = states.get(node.id);
      if (!hasBuiltData(state)) return undefined;
      const read = await this.columnsOf(root, node, state?.finishedAt);
      // Not read in time: this answer lacks the catalog, so the next hover asks again.
      if ((!read || read === 'late') && kept.get(states) === reader) kept.delete(states);
      return read === 'late' ? undefined : read?.map((c) => c.name);
    };
    reader = new AssetColumnLineageReader(graph, catalog);
    byStates.set(states, reader);
    return reader;
  }

  /** The relation's columns on the current target ('late' while a read is still under way); waits briefly, then answers from the cache. */
  private async columnsOf(root: string, node: AssetNode, finishedAt: number | undefined): Promise<readonly ColumnInfo[] | 'late' | undefined> {
    const read = this.readColumns(root, [{ node, finishedAt }])?.[0];
    return read ? withinDeadline(read, COLUMN_WAIT_MS) : undefined;
  }

  /**
   * The cached reads of relations' columns on the current target (undefined without a target); those
   * not cached yet are read together, on one connection (opening the database is most of a read's cost).
   */
  private readColumns(root: string, wanted: readonly ColumnsWanted[]): Promise<readonly ColumnInfo[] | undefined>[] | undefined {
    const target = this.targets.targetFor(root);
    if (!target) return undefined;
    const keyOf = (w: ColumnsWanted) => [root, target.name, w.node.id, w.finishedAt ?? ''].join('\u0000');
    const missing = wanted.filter((w) => !this.columns.has(keyOf(w)));
    if (missing.length > 0) {
      const batch = (async () => {
        const [{ readAssetsColumns }, token] = await Promise.all([import('../core/data/assetColumns'), this.token.get()]);
        return readAssetsColumns(missing.map((w) => w.node), target, { projectRoot: root, token });
      })().catch(() => undefined);
      for (const w of missing) {
        const key = keyOf(w);
        const read = batch.then((all) => {
          const result = all?.get(w.node.id);
          return result?.ok ? result.columns : undefined;
        });
        this.columns.set(key, read);
        // A read that failed (the file busy with a run) is tried again on the next hover.
        void read.then((columns) => {
          if (!columns && this.columns.get(key) === read) this.columns.delete(key);
        });
      }
    }
    return wanted.map((w) => this.columns.get(keyOf(w))!);
  }

  /**
   * Reads ahead the columns of the built assets of the visible editors and of their upstreams (what
   * a hover there names), one connection per folder, then those SQL assets' column lineage, so that a
   * hover answers from the cache (opening the database costs tens of ms, more than a hover's budget).
   * Cached per asset run: after a run only what it built is read again.
   */
  private readAhead(): void {
    clearTimeout(this.readAheadTimer);
    this.readAheadTimer = setTimeout(() => {
      const wanted = new Map<string, ColumnsWanted[]>();
      /** The visible SQL assets, whose column lineage (the column hover) follows once their upstreams' columns are in. */
      const owners: { root: string; graph: AssetGraph; id: string }[] = [];
      let count = 0;
      for (const editor of vscode.window.visibleTextEditors) {
        const found = this.graphs.graphFor(editor.document.uri.fsPath);
        if (!found) continue;
        const states = this.graphs.states(found.root);
        let list = wanted.get(found.root);
        if (!list) wanted.set(found.root, (list = []));
        for (const owner of found.graph.assetsIn(editor.document.uri.fsPath)) {
          if (owner.definition.sql && owners.length < READ_AHEAD_MAX) owners.push({ root: found.root, graph: found.graph, id: owner.id });
          for (const id of [owner.id, ...found.graph.upstreamOf(owner.id)]) {
            const node = found.graph.nodes.get(id);
            const state = states.get(id);
            if (!node || !hasBuiltData(state) || list.some((w) => w.node === node) || count >= READ_AHEAD_MAX) continue;
            list.push({ node, finishedAt: state?.finishedAt });
            count++;
          }
        }
      }
      this.readingAhead = this.readingAhead.then(async () => {
        for (const [root, list] of wanted) await Promise.all(this.readColumns(root, list) ?? []);
        for (const o of owners) await (await this.lineageReader(o.root, o.graph)).lineageOf(o.id).catch(() => undefined);
      });
    }, READ_AHEAD_DELAY_MS);
  }

  private complete(doc: vscode.TextDocument, pos: vscode.Position): vscode.CompletionList | undefined {
    const found = this.graphs.graphFor(doc.uri.fsPath);
    if (!found) return undefined;
    const file = doc.uri.fsPath;
    const site = completionSiteAt(file, doc.getText(), { line: pos.line + 1, column: pos.character + 1 });
    if (!site) return undefined;
    const kind = NODE_COMPLETION_KINDS.find((k) => k === site.kind);
    if (kind) this.completedKinds.add(kind);
    const replace = new vscode.Range(pos.translate(0, -site.typed.length), pos);
    const { items, complete } = completionsAt(found.graph, site, file, MAX_COMPLETIONS);
    const list = items.map((c) => {
      const item = new vscode.CompletionItem({ label: c.insert, description: c.detail }, vscode.CompletionItemKind.Reference);
      item.range = replace;
      item.detail = c.node ? `${c.node.id} — ${c.detail}` : c.detail;
      if (c.description) item.documentation = c.description;
      return item;
    });
    return new vscode.CompletionList(list, !complete);
  }

  dispose(): void {
    this.store.dispose();
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
