import { keyToString } from '../assetKey';
import { findHeader } from '../discovery/sql/sqlHeader';
import type { AssetGraph, AssetNode } from '../graph/assetGraph';
import type { TextPosition } from './assetReferences';

/** Where completion was asked: what kind of name fits there. */
export type CompletionSite =
  | { readonly kind: 'sql-relation'; readonly typed: string }
  | { readonly kind: 'dbt-ref'; readonly typed: string }
  | { readonly kind: 'dbt-source-name'; readonly typed: string }
  | { readonly kind: 'dbt-source-table'; readonly source: string; readonly typed: string }
  | { readonly kind: 'depends'; readonly typed: string }
  | { readonly kind: 'dagster-deps'; readonly typed: string };

export interface AssetCompletion {
  /** What is inserted in place of the typed part. */
  readonly insert: string;
  readonly node?: AssetNode;
  /** The asset's kind and source, e.g. `table · sql`. */
  readonly detail: string;
  readonly description?: string;
}

/**
 * What kind of asset name fits at a position, read from the text before the
 * cursor on its line (completion runs on text that may not parse yet).
 */
export function completionSiteAt(file: string, text: string, position: TextPosition): CompletionSite | undefined {
  const lineStart = lineStartOffset(text, position.line);
  const before = text.slice(lineStart, lineStart + position.column - 1);
  if (/\.py$/i.test(file)) {
    // A string inside `deps=[…]` on the same line.
    const m = /\bdeps\s*=\s*\[[^\]]*["']([\w./-]*)$/.exec(before);
    return m ? { kind: 'dagster-deps', typed: m[1]! } : undefined;
  }
  if (!/\.(sql|ya?ml)$/i.test(file)) return undefined;
  const ref = /\bref\(\s*["']([\w.-]*)$/.exec(before);
  if (ref) return { kind: 'dbt-ref', typed: ref[1]! };
  const sourceTable = /\bsource\(\s*["']([\w.-]+)["']\s*,\s*["']([\w.-]*)$/.exec(before);
  if (sourceTable) return { kind: 'dbt-source-table', source: sourceTable[1]!, typed: sourceTable[2]! };
  const sourceName = /\bsource\(\s*["']([\w.-]*)$/.exec(before);
  if (sourceName) return { kind: 'dbt-source-name', typed: sourceName[1]! };
  if (!/\.sql$/i.test(file)) return undefined;
  const header = findHeader(text);
  const offset = lineStart + position.column - 1;
  if (header && offset >= header.yamlStart && (header.yamlEnd < 0 || offset <= header.yamlEnd)) {
    const dep = /^\s*depends\s*:\s*\[?(?:[^\]]*,\s*)?([\w./-]*)$/.exec(before) ?? /^\s*-\s*([\w./-]*)$/.exec(dependsItem(text, lineStart, before));
    return dep ? { kind: 'depends', typed: dep[1]! } : undefined;
  }
  const rel = /\b(?:from|join)\s+([\w."]*)$/i.exec(before);
  return rel ? { kind: 'sql-relation', typed: rel[1]! } : undefined;
}

/** A `- key` line counts as a `depends:` item when the nearest key above it is `depends:`. */
function dependsItem(text: string, lineStart: number, before: string): string {
  if (!/^\s*-\s*/.test(before)) return '';
  const above = text.slice(0, lineStart).split('\n').reverse();
  for (const line of above) {
    if (/^\s*-/.test(line) || line.trim() === '') continue;
    return /^\s*depends\s*:\s*$/.test(line) ? before : '';
  }
  return '';
}

function lineStartOffset(text: string, line: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}

function detailOf(node: AssetNode): string {
  const d = node.definition;
  const kind = d.dbt?.resourceType && d.dbt.resourceType !== 'model' ? d.dbt.resourceType : d.kind;
  return [kind, d.source].filter((x) => x).join(' · ');
}

function completion(insert: string, node: AssetNode): AssetCompletion {
  return { insert, node, detail: detailOf(node), ...(node.definition.description ? { description: node.definition.description } : {}) };
}

/**
 * Each node's item per site kind. Nodes are immutable and a graph patched after a save keeps its
 * unchanged nodes, so the next graph's list reuses all but the changed ones' items.
 */
const perNode = new WeakMap<AssetNode, Map<CompletionSite['kind'], AssetCompletion>>();

function nodeCompletion(kind: CompletionSite['kind'], node: AssetNode, insertOf: (node: AssetNode) => string): AssetCompletion {
  let byKind = perNode.get(node);
  if (!byKind) perNode.set(node, (byKind = new Map()));
  let c = byKind.get(kind);
  if (!c) byKind.set(kind, (c = completion(insertOf(node), node)));
  return c;
}

/** Each item's insert in lower case, kept with the item for the same reason. */
const lowered = new WeakMap<AssetCompletion, string>();

function lowerOf(c: AssetCompletion): string {
  let l = lowered.get(c);
  if (l === undefined) lowered.set(c, (l = c.insert.toLowerCase()));
  return l;
}

/** How SQL names an asset: a SQL asset's relation, else its key's parts joined by dots. */
function relationName(node: AssetNode): string {
  const r = node.definition.sql?.relation;
  if (r) return r.schema ? `${r.schema}.${r.name}` : r.name;
  return node.definition.key.join('.');
}

/** Candidates per graph and site kind: the graph is immutable, and a 10,000-asset list costs tens of ms to build. */
const cached = new WeakMap<AssetGraph, Map<string, AssetCompletion[]>>();
/** Each cached list's inserts in lower case, for narrowing without folding 10,000 strings per keystroke. */
const loweredLists = new WeakMap<readonly AssetCompletion[], string[]>();

/** The asset names that fit a completion site, from the graph (the editor filters them by what was typed). */
export function assetCompletions(graph: AssetGraph, site: CompletionSite, ownFile?: string): AssetCompletion[] {
  let byKind = cached.get(graph);
  if (!byKind) cached.set(graph, (byKind = new Map()));
  const key = site.kind === 'dbt-source-table' ? `${site.kind}\u0000${site.source}` : site.kind;
  let all = byKind.get(key);
  if (!all) byKind.set(key, (all = candidates(graph, site)));
  // An asset is not offered in its own file (it would read itself).
  return ownFile === undefined ? all : all.filter((c) => c.node?.definition.location.file !== ownFile || c.node.definition.source === 'external');
}

/**
 * At most `limit` completions containing what was typed (case folded), in one
 * pass that stops at the limit: for a list too long to hand the editor whole,
 * which asks again as the user types. `complete` says nothing was left out.
 */
export function narrowCompletions(items: readonly AssetCompletion[], typed: string, limit: number, ownFile?: string): { items: AssetCompletion[]; complete: boolean } {
  const t = typed.toLowerCase();
  const narrow = t !== '' && items.length > limit;
  let lower = narrow ? loweredLists.get(items) : undefined;
  if (narrow && !lower) loweredLists.set(items, (lower = items.map(lowerOf)));
  const out: AssetCompletion[] = [];
  for (let i = 0; i < items.length; i++) {
    const c = items[i]!;
    if (ownFile !== undefined && c.node?.definition.location.file === ownFile && c.node.definition.source !== 'external') continue;
    if (lower && !lower[i]!.includes(t)) continue;
    if (out.length === limit) return { items: out, complete: false };
    out.push(c);
  }
  return { items: out, complete: true };
}

/** The completions the editor is handed at a site: cached candidates, narrowed when there are more than `limit`. */
export function completionsAt(graph: AssetGraph, site: CompletionSite, ownFile: string | undefined, limit: number): { items: AssetCompletion[]; complete: boolean } {
  return narrowCompletions(assetCompletions(graph, site), site.typed, limit, ownFile);
}

/** The site kinds whose list depends on the graph's nodes alone (dbt sources also read its edges). */
export const NODE_COMPLETION_KINDS = ['sql-relation', 'depends', 'dagster-deps', 'dbt-ref'] as const;

/**
 * Builds one of a graph's completion lists before a completion asks (the editor calls it when a
 * new graph arrives, one kind at a time), so the first completion after a save answers from the cache.
 */
export function warmCompletions(graph: AssetGraph, kind: (typeof NODE_COMPLETION_KINDS)[number]): void {
  const items = assetCompletions(graph, { kind, typed: '' });
  if (!loweredLists.has(items)) loweredLists.set(items, items.map(lowerOf));
}

function candidates(graph: AssetGraph, site: CompletionSite): AssetCompletion[] {
  const defined: AssetNode[] = [];
  for (const n of graph.nodes.values()) if (n.definition.source !== 'external') defined.push(n);
  switch (site.kind) {
    case 'sql-relation':
      return defined.filter((n) => n.definition.source !== 'dbt' || n.definition.dbt?.resourceType !== 'source').map((n) => nodeCompletion(site.kind, n, relationName));
    case 'depends':
      return defined.map((n) => nodeCompletion(site.kind, n, (x) => x.definition.key.join('.')));
    case 'dagster-deps':
      return defined.map((n) => nodeCompletion(site.kind, n, (x) => keyToString(x.definition.key)));
    case 'dbt-ref':
      return defined.filter((n) => n.definition.dbt && n.definition.dbt.resourceType !== 'source').map((n) => nodeCompletion(site.kind, n, (x) => x.definition.dbt!.selector));
    case 'dbt-source-name':
    case 'dbt-source-table':
      return dbtSources(graph, site.kind === 'dbt-source-table' ? site.source : undefined);
  }
}

/**
 * dbt source tables: those still nodes, and those the graph linked to the
 * asset feeding them (then known only from the `source()` calls that read them).
 */
function dbtSources(graph: AssetGraph, sourceName: string | undefined): AssetCompletion[] {
  const seen = new Map<string, AssetCompletion>();
  const add = (source: string, table: string, node: AssetNode) => {
    const insert = sourceName === undefined ? source : table;
    if (sourceName !== undefined && source !== sourceName) return;
    if (!seen.has(insert)) seen.set(insert, completion(insert, node));
  };
  for (const n of graph.nodes.values()) {
    const t = n.definition.dbt?.sourceTable;
    if (t) add(t.sourceName, t.tableName, n);
  }
  for (const e of graph.edges) {
    if (e.ref?.origin !== 'dbt-source' || e.ref.key.length !== 2) continue;
    const node = graph.nodes.get(e.from);
    if (node) add(e.ref.key[0]!, e.ref.key[1]!, node);
  }
  return [...seen.values()];
}
