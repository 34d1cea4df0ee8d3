import type { DependencyOrigin, DependencyRef } from '../asset';
import { keyToString, parseKey } from '../assetKey';
import { findJinjaCalls } from '../discovery/dbt/jinjaCalls';
import { LineIndex } from '../discovery/textPosition';
import type { AssetGraph, AssetNode } from '../graph/assetGraph';

/** A span of text: 1-based lines and columns, the end exclusive. */
export interface TextRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** One place where a file names an asset. */
export interface AssetReference {
  /** The asset named. */
  readonly target: AssetNode;
  /** The asset whose definition holds the reference; absent in a dbt YAML test (`to: ref('m')`). */
  readonly owner?: AssetNode;
  readonly origin: DependencyOrigin | 'yaml-ref';
  /** As written (`raw/taxi_trips`, `stg_orders`). */
  readonly written: string;
  readonly file: string;
  readonly range: TextRange;
}

/** Upstream ids of each written key, per downstream asset: `to \0 written` → from ids (from the graph's edges). */
const edgeIndexes = new WeakMap<AssetGraph, Map<string, string[]>>();

function edgeIndex(graph: AssetGraph): Map<string, string[]> {
  let index = edgeIndexes.get(graph);
  if (index) return index;
  index = new Map();
  for (const e of graph.edges) {
    if (!e.ref) continue;
    const k = `${e.to}\u0000${keyToString(e.ref.key).toLowerCase()}`;
    const list = index.get(k);
    if (list) list.push(e.from);
    else index.set(k, [e.from]);
  }
  edgeIndexes.set(graph, index);
  return index;
}

/** Builds the graph's reference index ahead of the first question (the editor calls it when a graph arrives). */
export function warmReferenceIndex(graph: AssetGraph): void {
  edgeIndex(graph);
}

/**
 * The assets a dependency of `ownerId` resolved to when the graph was built.
 * The graph keeps one reference per edge, so a second spelling of the same
 * upstream falls back to the graph's own lookup (key, relation, last part).
 */
export function resolveDependency(graph: AssetGraph, ownerId: string, written: string): AssetNode[] {
  const ids = edgeIndex(graph).get(`${ownerId}\u0000${written.toLowerCase()}`);
  if (ids) return ids.map((id) => graph.nodes.get(id)).filter((n): n is AssetNode => n !== undefined);
  const found = graph.nodes.get(written) ?? graph.find(written);
  return found ? [found] : [];
}

/** A position's character offset in a text (lines and columns 1-based). */
function offsetOf(text: string, p: TextPosition): number {
  let offset = 0;
  for (let line = 1; line < p.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + p.column - 1);
}

const IDENTIFIER = /[\p{L}\p{N}_$]/u;

/** The end of a dotted SQL name starting at `start` (`raw.taxi_trips`, `"my schema".t`); a table function runs to its `)`. */
function sqlNameEnd(text: string, start: number, origin: string): number {
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      i = close < 0 ? text.length : close + 1;
    } else if (c === '.' || IDENTIFIER.test(c)) i++;
    else break;
  }
  if (origin !== 'table-function') return i;
  let j = i;
  while (j < text.length && /\s/.test(text[j]!)) j++;
  if (text[j] !== '(') return i;
  let depth = 0;
  for (; j < text.length; j++) {
    const c = text[j]!;
    if (c === "'") {
      const close = text.indexOf("'", j + 1);
      j = close < 0 ? text.length : close;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return i;
}

/** The start of the dotted SQL name around `offset`, walking back over name characters, dots and quotes. */
function sqlNameStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0) {
    const c = text[i - 1]!;
    if (c === '"') {
      const open = text.lastIndexOf('"', i - 2);
      if (open < 0) break;
      i = open;
    } else if (c === '.' || IDENTIFIER.test(c)) i--;
    else break;
  }
  return i;
}

/** How a dotted SQL name compares with a key: quotes dropped, case folded. */
function sqlNameKey(name: string): string {
  return keyToString(parseKey(name.replace(/"/g, ''))).toLowerCase();
}

/** Where a recorded dependency is written: its recorded span, or (SQL tables) the name read from the text at its start. */
function rangeOf(dep: DependencyRef, text: string | undefined): TextRange | undefined {
  const loc = dep.location;
  if (!loc) return undefined;
  if (loc.endLine !== undefined && loc.endColumn !== undefined) {
    return { line: loc.line, column: loc.column, endLine: loc.endLine, endColumn: loc.endColumn };
  }
  if (text === undefined) {
    const width = (dep.label ?? dep.key.join('.')).length;
    return { line: loc.line, column: loc.column, endLine: loc.line, endColumn: loc.column + width };
  }
  const lines = new LineIndex(text);
  const start = offsetOf(text, loc);
  const end = lines.position(sqlNameEnd(text, start, dep.origin));
  return { line: loc.line, column: loc.column, endLine: end.line, endColumn: end.column };
}

function contains(r: TextRange, p: TextPosition): boolean {
  const afterStart = p.line > r.line || (p.line === r.line && p.column >= r.column);
  const beforeEnd = p.line < r.endLine || (p.line === r.endLine && p.column <= r.endColumn);
  return afterStart && beforeEnd;
}

function rangeBetween(lines: LineIndex, start: number, end: number): TextRange {
  const s = lines.position(start);
  const e = lines.position(end);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

/**
 * The asset reference at a position of a file: first the dependencies
 * discovery recorded there (SQL tables, header `depends:`, dbt ref/source,
 * Dagster deps/ins/parameters), then — for text typed since the last save —
 * the SQL name or the dbt call under the cursor, matched against what
 * discovery recorded for the file's assets.
 */
export function assetReferenceAt(graph: AssetGraph, file: string, text: string, position: TextPosition): AssetReference | undefined {
  const owners = graph.assetsIn(file);
  for (const owner of owners) {
    for (const dep of owner.definition.deps) {
      if (dep.location?.file !== file) continue;
      const range = rangeOf(dep, text);
      if (!range || !contains(range, position)) continue;
      const written = keyToString(dep.key);
      const target = resolveDependency(graph, owner.id, written)[0];
      if (target) return { target, owner, origin: dep.origin, written, file, range };
    }
  }
  const lines = new LineIndex(text);
  const offset = offsetOf(text, position);
  const jinja = jinjaReferenceAt(graph, file, text, lines, offset, owners);
  if (jinja) return jinja;
  // A SQL name typed or moved since the last save: the same table as one the asset reads.
  for (const owner of owners) {
    if (owner.definition.source !== 'sql') continue;
    const start = sqlNameStart(text, offset);
    const end = sqlNameEnd(text, start, 'sql-table');
    if (end <= start || offset > end) continue;
    const name = sqlNameKey(text.slice(start, end));
    const dep = owner.definition.deps.find((d) => (d.origin === 'sql-table' || d.origin === 'header') && keyToString(d.key).toLowerCase() === name);
    if (!dep) continue;
    const written = keyToString(dep.key);
    const target = resolveDependency(graph, owner.id, written)[0];
    if (target) return { target, owner, origin: dep.origin, written, file, range: rangeBetween(lines, start, end) };
  }
  return undefined;
}

/** `ref('m')`/`source('s','t')` under the cursor: in a dbt model's Jinja, or as a YAML value (`to: ref('m')`). */
function jinjaReferenceAt(
  graph: AssetGraph,
  file: string,
  text: string,
  lines: LineIndex,
  offset: number,
  owners: readonly AssetNode[],
): AssetReference | undefined {
  const yaml = /\.ya?ml$/i.test(file);
  const model = yaml ? undefined : owners.find((o) => o.definition.source === 'dbt');
  if (!yaml && !model) return undefined;
  let calls;
  let shift = 0;
  let lineNumber = 1;
  if (yaml) {
    // A YAML value is read as the one Jinja expression it would be in a model.
    const p = lines.position(offset);
    lineNumber = p.line;
    const lineStart = offset - (p.column - 1);
    const lineEnd = text.indexOf('\n', offset);
    const lineText = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
    shift = lineStart - 3;
    calls = findJinjaCalls(`{{ ${lineText} }}`);
  } else {
    calls = findJinjaCalls(text, lines);
  }
  const at = yaml ? { line: 1, column: offset - shift + 1 } : lines.position(offset);
  for (const c of calls) {
    if (c.name !== 'ref' && c.name !== 'source') continue;
    const range = { line: c.line, column: c.column, endLine: c.endLine, endColumn: c.endColumn };
    if (!contains(range, at)) continue;
    const args = c.args.filter((a): a is string => typeof a === 'string');
    const key = c.name === 'ref' ? args.slice(-1) : args.slice(0, 2);
    if (key.length === 0 || (c.name === 'source' && key.length < 2)) return undefined;
    const written = keyToString(key);
    const target = model ? resolveDependency(graph, model.id, written)[0] : (graph.nodes.get(written) ?? graph.find(written));
    if (!target) return undefined;
    const fileRange = yaml
      ? { line: lineNumber, column: c.column - 3, endLine: lineNumber, endColumn: c.endColumn - 3 }
      : range;
    return {
      target,
      ...(model ? { owner: model } : {}),
      origin: yaml ? 'yaml-ref' : c.name === 'ref' ? 'dbt-ref' : 'dbt-source',
      written,
      file,
      range: fileRange,
    };
  }
  return undefined;
}

/**
 * Every place the direct dependents of an asset name it (Shift+F12), from the
 * dependencies discovery recorded. `textOf` gives a file's text, to find where
 * a SQL table name ends; without it the written key's length is used.
 */
export function assetReferencesTo(graph: AssetGraph, id: string, textOf?: (file: string) => string | undefined): AssetReference[] {
  const target = graph.nodes.get(id);
  if (!target) return [];
  const out: AssetReference[] = [];
  for (const downId of graph.downstreamOf(id)) {
    const owner = graph.nodes.get(downId);
    if (!owner) continue;
    for (const dep of owner.definition.deps) {
      const file = dep.location?.file;
      if (!file) continue;
      const written = keyToString(dep.key);
      if (!resolveDependency(graph, owner.id, written).some((n) => n.id === id)) continue;
      const range = rangeOf(dep, textOf?.(file));
      if (range) out.push({ target, owner, origin: dep.origin, written, file, range });
    }
  }
  return out;
}
