/**
 * What the lineage panel shows, computed from a snapshot and the user's view
 * options: pure (no DOM), shared by the webview and the unit tests.
 */
import type { LineageNode, LineageSnapshot, LineageSource, LineageState } from '../../../src/protocol/lineageMessages';

export type GroupBy = 'none' | 'group' | 'source';

export interface LineageViewOptions {
  /** Key of the asset whose neighbourhood is shown; undefined shows the whole graph. */
  readonly focus?: string;
  /** How many steps upstream/downstream of the focus; null is unlimited. */
  readonly upstreamDepth: number | null;
  readonly downstreamDepth: number | null;
  /** Case-insensitive text matched against key, group, source and kind; empty shows all. */
  readonly search: string;
  readonly groupBy: GroupBy;
}

/** The state drawn: the run state, except that a fresh asset with failing checks says so (warn-level ones apart). */
export type NodeStatus = LineageState | 'checks-failing' | 'checks-warning';

export interface CheckBadge {
  readonly text: string;
  readonly failing: boolean;
  /** Only warn-severity checks fail: yellow, not red. */
  readonly warning?: boolean;
}

/** A snapshot node as drawn: what the snapshot says of it, plus how it looks. */
export interface ViewNode extends Pick<LineageNode, 'id' | 'label' | 'source' | 'group' | 'kind' | 'file' | 'line'> {
  readonly status: NodeStatus;
  /** CSS class for the status (`status-stale`). */
  readonly statusClass: string;
  /** A `var(--vscode-…)` theme colour for the status. */
  readonly colour: string;
  /** A codicon name for the source. */
  readonly icon: string;
  readonly badge?: CheckBadge;
  /** Cluster id when grouped. */
  readonly cluster?: string;
  readonly focused: boolean;
  /** The second line: state, rows, partitions, age (`fresh · 11.5k rows · 3m ago`). */
  readonly detail: string;
  /** Hover text and accessible name. */
  readonly title: string;
}

export interface ViewEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly inferred: boolean;
  readonly className: string;
}

export interface ViewCluster {
  readonly id: string;
  readonly label: string;
  readonly size: number;
}

export interface LineageView {
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly ViewEdge[];
  readonly clusters: readonly ViewCluster[];
  /** Nodes in the snapshot, to say "showing n of m". */
  readonly total: number;
  /** The focus key is not in the snapshot (renamed or deleted): the whole graph is shown. */
  readonly focusMissing: boolean;
}

export const defaultViewOptions: LineageViewOptions = {
  upstreamDepth: 2,
  downstreamDepth: 2,
  search: '',
  groupBy: 'group',
};

const statusColours: Readonly<Record<NodeStatus, string>> = {
  never: 'var(--vscode-disabledForeground)',
  fresh: 'var(--vscode-testing-iconPassed)',
  stale: 'var(--vscode-editorWarning-foreground)',
  failed: 'var(--vscode-testing-iconFailed)',
  'could-not-run': 'var(--vscode-descriptionForeground)',
  running: 'var(--vscode-progressBar-background)',
  'checks-failing': 'var(--vscode-editorError-foreground)',
  'checks-warning': 'var(--vscode-editorWarning-foreground)',
};

const sourceIcons: Readonly<Record<LineageSource, string>> = {
  sql: 'database',
  dagster: 'symbol-method',
  dbt: 'layers',
  external: 'cloud',
};

const sourceNames: Readonly<Record<LineageSource, string>> = {
  sql: 'SQL',
  dagster: 'Dagster',
  dbt: 'dbt',
  external: 'External',
};

/** `265`, `11.5k`, `2.3M`: short enough for a node's second line; the hover has the exact figure. */
export function compactCount(n: number): string {
  const abs = Math.abs(n);
  const short = (v: number, unit: string): string => `${v >= 100 ? Math.round(v) : Number(v.toFixed(1))}${unit}`;
  if (abs < 1000) return String(Math.round(n));
  if (abs < 1e6) return short(n / 1e3, 'k');
  if (abs < 1e9) return short(n / 1e6, 'M');
  return short(n / 1e9, 'B');
}

/** `12,345`: grouped digits whatever the locale. */
function groupedCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `just now`, `4m ago`, `3h ago`, `2d ago`, `on 2026-11-02`. */
export function ageText(iso: string, nowMs: number): string | undefined {
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return undefined;
  const seconds = Math.max(0, Math.round((nowMs - then) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${Math.max(1, minutes)}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours}h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days}d ago`;
  return `on ${new Date(then).toISOString().slice(0, 10)}`;
}

function statusText(status: NodeStatus): string {
  if (status === 'checks-failing') return 'checks failing';
  if (status === 'checks-warning') return 'checks warn';
  if (status === 'could-not-run') return 'could not run';
  return status === 'never' ? 'never run' : status;
}

/** What a node's second line says on the current target. */
export function nodeDetail(node: LineageNode, status: NodeStatus, nowMs: number): string {
  // Read, never built: a state would say something untrue.
  if (node.source === 'external') return 'external source';
  const parts = [statusText(status)];
  if (node.partitions) parts.push(`${node.partitions.done}/${node.partitions.total} parts`);
  else if (node.rows !== undefined) parts.push(`${compactCount(node.rows)} ${node.rows === 1 ? 'row' : 'rows'}`);
  if (node.lastRun && status !== 'never') {
    const age = ageText(node.lastRun, nowMs);
    if (age) parts.push(age);
  }
  if (node.deferredFrom) parts.push(`read from ${node.deferredFrom}`);
  if (node.against?.mark) parts.push(node.against.mark);
  return parts.join(' · ');
}

export function nodeStatus(node: LineageNode): NodeStatus {
  if (node.state === 'fresh' && node.checks.failed > 0) return 'checks-failing';
  if (node.state === 'fresh' && (node.checks.warned ?? 0) > 0) return 'checks-warning';
  return node.state;
}

export function statusColour(status: NodeStatus): string {
  return statusColours[status];
}

export function sourceIcon(source: LineageSource): string {
  return sourceIcons[source];
}

/** `2/3` checks passing, `1✕` when some fail, `1⚠` when only warn-level ones do; none when the asset has no checks. */
export function checkBadge(node: LineageNode): CheckBadge | undefined {
  const { passed, failed, total } = node.checks;
  const warned = node.checks.warned ?? 0;
  if (total === 0) return undefined;
  if (failed > 0) return { text: `${failed}✕`, failing: true };
  if (warned > 0) return { text: `${warned}⚠`, failing: false, warning: true };
  return { text: `${passed}/${total}`, failing: false };
}

/** Keys within `up` steps upstream and `down` steps downstream of `focus` (null: unlimited), focus included. */
export function neighbourhood(
  snapshot: LineageSnapshot,
  focus: string,
  up: number | null,
  down: number | null,
): Set<string> {
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const e of snapshot.edges) {
    (parents.get(e.to) ?? parents.set(e.to, []).get(e.to)!).push(e.from);
    (children.get(e.from) ?? children.set(e.from, []).get(e.from)!).push(e.to);
  }
  const result = new Set<string>([focus]);
  const walk = (next: Map<string, string[]>, depth: number | null): void => {
    let frontier = [focus];
    const seen = new Set<string>([focus]);
    for (let step = 0; frontier.length > 0 && (depth === null || step < depth); step++) {
      const following: string[] = [];
      for (const id of frontier) {
        for (const n of next.get(id) ?? []) {
          if (seen.has(n)) continue;
          seen.add(n);
          result.add(n);
          following.push(n);
        }
      }
      frontier = following;
    }
  };
  walk(parents, up);
  walk(children, down);
  return result;
}

export function matchesSearch(node: LineageNode, search: string): boolean {
  const q = search.trim().toLowerCase();
  if (q.length === 0) return true;
  return [node.id, node.group ?? '', node.source, node.kind ?? ''].some((t) => t.toLowerCase().includes(q));
}

function clusterOf(node: LineageNode, groupBy: GroupBy): string | undefined {
  if (groupBy === 'group') return node.group ?? 'default';
  if (groupBy === 'source') return node.source;
  return undefined;
}

function clusterLabel(id: string, groupBy: GroupBy): string {
  return groupBy === 'source' ? sourceNames[id as LineageSource] ?? id : id;
}

function describe(node: LineageNode, status: NodeStatus, badge: CheckBadge | undefined): string {
  const parts = [node.id, sourceNames[node.source]];
  if (node.group) parts.push(`group ${node.group}`);
  if (node.kind) parts.push(node.kind);
  parts.push(statusText(status));
  if (node.rows !== undefined) parts.push(`${groupedCount(node.rows)} ${node.rows === 1 ? 'row' : 'rows'}`);
  if (node.rowsAdded !== undefined) parts.push(`${groupedCount(node.rowsAdded)} added by the last run`);
  if (node.partitions) parts.push(`${node.partitions.done} of ${node.partitions.total} partitions materialized`);
  if (badge) {
    const warned = node.checks.warned ? `, ${node.checks.warned} warning` : '';
    parts.push(`checks ${node.checks.passed} passed, ${node.checks.failed} failed${warned} of ${node.checks.total}`);
  }
  if (node.lastRun) parts.push(`last run ${node.lastRun}`);
  if (node.deferredFrom) parts.push(`not built here: a run reads it from ${node.deferredFrom} (deferred)`);
  if (node.against) parts.push(`against ${node.against.target}: ${node.against.text}`);
  if (node.file) parts.push(node.line ? `${node.file}:${node.line}` : node.file);
  return parts.join(' · ');
}

/** `keep`: nodes shown whatever the depth or search (the assets a selected column's lineage runs through). */
export function buildLineageView(
  snapshot: LineageSnapshot,
  options: LineageViewOptions,
  nowMs: number = Date.now(),
  keep: ReadonlySet<string> = new Set(),
): LineageView {
  const ids = new Set(snapshot.nodes.map((n) => n.id));
  const focusMissing = options.focus !== undefined && !ids.has(options.focus);
  const focus = focusMissing ? undefined : options.focus;
  const around = focus !== undefined ? neighbourhood(snapshot, focus, options.upstreamDepth, options.downstreamDepth) : undefined;

  const nodes: ViewNode[] = [];
  const kept = new Set<string>();
  const clusterSizes = new Map<string, number>();
  for (const n of snapshot.nodes) {
    if (around && !around.has(n.id) && !keep.has(n.id)) continue;
    // The focus stays visible whatever the search, so the user keeps their bearings.
    if (n.id !== focus && !keep.has(n.id) && !matchesSearch(n, options.search)) continue;
    kept.add(n.id);
    const status = nodeStatus(n);
    const badge = checkBadge(n);
    const cluster = clusterOf(n, options.groupBy);
    if (cluster !== undefined) clusterSizes.set(cluster, (clusterSizes.get(cluster) ?? 0) + 1);
    nodes.push({
      id: n.id,
      label: n.label,
      source: n.source,
      ...(n.group !== undefined ? { group: n.group } : {}),
      ...(n.kind !== undefined ? { kind: n.kind } : {}),
      ...(n.file !== undefined ? { file: n.file } : {}),
      ...(n.line !== undefined ? { line: n.line } : {}),
      status,
      statusClass: `status-${status}`,
      colour: statusColour(status),
      icon: sourceIcon(n.source),
      ...(badge ? { badge } : {}),
      ...(cluster !== undefined ? { cluster } : {}),
      focused: n.id === focus,
      detail: nodeDetail(n, status, nowMs),
      title: describe(n, status, badge),
    });
  }
  // One edge per pair: a solid (exact) one wins over a dashed (inferred) one, so a pair never looks inferred when it is not.
  const edgeAt = new Map<string, number>();
  const edges: ViewEdge[] = [];
  for (const e of snapshot.edges) {
    if (!kept.has(e.from) || !kept.has(e.to)) continue;
    const id = `${e.from}\u2192${e.to}`;
    const edge = { id, from: e.from, to: e.to, inferred: e.inferred, className: e.inferred ? 'edge inferred' : 'edge' };
    const at = edgeAt.get(id);
    if (at === undefined) {
      edgeAt.set(id, edges.length);
      edges.push(edge);
    } else if (edges[at]!.inferred && !e.inferred) {
      edges[at] = edge;
    }
  }
  const clusters = [...clusterSizes]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, size]) => ({ id, label: clusterLabel(id, options.groupBy), size }));
  return { nodes, edges, clusters, total: snapshot.nodes.length, focusMissing };
}
