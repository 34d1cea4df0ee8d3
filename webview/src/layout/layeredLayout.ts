/**
 * Layered (Sugiyama) layout of the lineage graph with dagre, left to right.
 * Clusters are laid out one by one and then placed by a second dagre run over
 * the graph of clusters: smaller graphs make dagre's crossing reduction far
 * cheaper, and the result reads as boxes of related assets. Pure: runs in
 * the web worker or inline.
 */
import dagre from '@dagrejs/dagre';

export interface LayoutNodeInput {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly cluster?: string;
}

export interface LayoutInput {
  readonly nodes: readonly LayoutNodeInput[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  /** Skip dagre's repeated crossing-reduction sweeps: more crossings, much less time on huge graphs. */
  readonly fast?: boolean;
}

/** One cluster (or the whole ungrouped graph, id '') laid out on its own: serialisable, so workers can share the work. */
export interface ClusterBox {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** [key, centre x, centre y] relative to the box's top-left. */
  readonly positions: readonly (readonly [string, number, number])[];
}

export interface PlacedNode {
  readonly id: string;
  /** Centre. */
  readonly x: number;
  readonly y: number;
}

export interface PlacedCluster {
  readonly id: string;
  /** Top-left corner and size of the box. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LayoutResult {
  readonly nodes: readonly PlacedNode[];
  readonly clusters: readonly PlacedCluster[];
  readonly width: number;
  readonly height: number;
}

const nodeSep = 14;
const rankSep = 56;
const clusterPadding = 16;
const clusterHeader = 24;
const clusterGap = 48;

interface Box {
  readonly width: number;
  readonly height: number;
  /** Centres relative to the box's top-left. */
  readonly positions: Map<string, { x: number; y: number }>;
}

function layeredBox(nodes: readonly LayoutNodeInput[], edges: readonly { from: string; to: string }[], fast: boolean): Box {
  const positions = new Map<string, { x: number; y: number }>();
  if (nodes.length === 1) {
    const n = nodes[0]!;
    positions.set(n.id, { x: n.width / 2, y: n.height / 2 });
    return { width: n.width, height: n.height, positions };
  }
  const g = new dagre.graphlib.Graph({ multigraph: false, compound: false });
  // network-simplex ranks are nicer but cost much more on big graphs.
  g.setGraph({ rankdir: 'LR', nodesep: nodeSep, ranksep: rankSep, marginx: 0, marginy: 0, ranker: nodes.length > 400 ? 'longest-path' : 'network-simplex' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) if (e.from !== e.to) g.setEdge(e.from, e.to);
  dagre.layout(g, { disableOptimalOrderHeuristic: fast });
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of nodes) {
    const p = g.node(n.id);
    const x = p.x ?? 0;
    const y = p.y ?? 0;
    positions.set(n.id, { x, y });
    minX = Math.min(minX, x - n.width / 2);
    minY = Math.min(minY, y - n.height / 2);
    maxX = Math.max(maxX, x + n.width / 2);
    maxY = Math.max(maxY, y + n.height / 2);
  }
  for (const p of positions.values()) {
    p.x -= minX;
    p.y -= minY;
  }
  return { width: maxX - minX, height: maxY - minY, positions };
}

/** Groups nodes into weakly connected components (edges only within `nodes`). */
function components(nodes: readonly LayoutNodeInput[], edges: readonly { from: string; to: string }[]): LayoutNodeInput[][] {
  const parent = new Map<string, string>(nodes.map((n) => [n.id, n.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let cur = id;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  for (const e of edges) {
    if (!parent.has(e.from) || !parent.has(e.to)) continue;
    const a = find(e.from);
    const b = find(e.to);
    if (a !== b) parent.set(a, b);
  }
  const byRoot = new Map<string, LayoutNodeInput[]>();
  for (const n of nodes) {
    const r = find(n.id);
    (byRoot.get(r) ?? byRoot.set(r, []).get(r)!).push(n);
  }
  return [...byRoot.values()];
}

/** Stacks boxes that have no edges between them in rows (largest first), roughly square overall. */
function packBoxes(boxes: readonly Box[], gap: number): { offsets: { x: number; y: number }[]; width: number; height: number } {
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[b]!.height - boxes[a]!.height || boxes[b]!.width - boxes[a]!.width);
  const area = boxes.reduce((s, b) => s + (b.width + gap) * (b.height + gap), 0);
  const rowWidth = Math.max(Math.sqrt(area) * 1.6, ...boxes.map((b) => b.width));
  const offsets = new Array<{ x: number; y: number }>(boxes.length);
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const i of order) {
    const b = boxes[i]!;
    if (x > 0 && x + b.width > rowWidth) {
      y += rowHeight + gap;
      x = 0;
      rowHeight = 0;
    }
    offsets[i] = { x, y };
    x += b.width + gap;
    rowHeight = Math.max(rowHeight, b.height);
    width = Math.max(width, x - gap);
  }
  return { offsets, width, height: y + rowHeight };
}

/** Lays out one set of nodes: each connected component by dagre, then packed. */
function layoutFlat(nodes: readonly LayoutNodeInput[], edges: readonly { from: string; to: string }[], fast: boolean): Box {
  const comps = components(nodes, edges);
  if (comps.length === 1) return layeredBox(nodes, edges, fast);
  const compOf = new Map<string, number>();
  comps.forEach((c, i) => c.forEach((n) => compOf.set(n.id, i)));
  const compEdges = comps.map(() => [] as { from: string; to: string }[]);
  for (const e of edges) {
    const c = compOf.get(e.from);
    if (c !== undefined && c === compOf.get(e.to)) compEdges[c]!.push(e);
  }
  const boxes = comps.map((c, i) => layeredBox(c, compEdges[i]!, fast));
  const packed = packBoxes(boxes, nodeSep * 2);
  const positions = new Map<string, { x: number; y: number }>();
  boxes.forEach((b, i) => {
    const o = packed.offsets[i]!;
    for (const [id, p] of b.positions) positions.set(id, { x: p.x + o.x, y: p.y + o.y });
  });
  return { width: packed.width, height: packed.height, positions };
}

/** Lays out each cluster of `input` on its own (edges between clusters are left to `placeClusters`). */
export function layoutClusterBoxes(input: LayoutInput): ClusterBox[] {
  const clusterOf = new Map<string, string>();
  const members = new Map<string, LayoutNodeInput[]>();
  for (const n of input.nodes) {
    const c = n.cluster ?? '';
    clusterOf.set(n.id, c);
    (members.get(c) ?? members.set(c, []).get(c)!).push(n);
  }
  const inner = new Map<string, { from: string; to: string }[]>();
  for (const e of input.edges) {
    const a = clusterOf.get(e.from);
    if (a !== undefined && a === clusterOf.get(e.to)) (inner.get(a) ?? inner.set(a, []).get(a)!).push(e);
  }
  const boxes: ClusterBox[] = [];
  for (const [c, ns] of members) {
    const box = layoutFlat(ns, inner.get(c) ?? [], input.fast ?? false);
    boxes.push({ id: c, width: box.width, height: box.height, positions: [...box.positions].map(([id, p]) => [id, p.x, p.y] as const) });
  }
  return boxes;
}

/** Places laid-out clusters with dagre, as big nodes, so that upstream clusters sit to the left. */
export function placeClusters(boxes: readonly ClusterBox[], input: LayoutInput): LayoutResult {
  const positions = new Map<string, { x: number; y: number }>();
  const clusters: PlacedCluster[] = [];
  let width = 0;
  let height = 0;
  const ungrouped = boxes.length === 1 && boxes[0]!.id === '';
  if (ungrouped) {
    const b = boxes[0]!;
    for (const [id, x, y] of b.positions) positions.set(id, { x, y });
    width = b.width;
    height = b.height;
  } else {
    const clusterOf = new Map<string, string>();
    for (const b of boxes) for (const [id] of b.positions) clusterOf.set(id, b.id);
    const g = new dagre.graphlib.Graph({ multigraph: false });
    g.setGraph({ rankdir: 'LR', nodesep: clusterGap, ranksep: clusterGap * 2, ranker: boxes.length > 60 ? 'longest-path' : 'network-simplex' });
    g.setDefaultEdgeLabel(() => ({}));
    for (const b of boxes) {
      g.setNode(b.id, { width: b.width + clusterPadding * 2, height: b.height + clusterPadding * 2 + clusterHeader });
    }
    for (const e of input.edges) {
      const a = clusterOf.get(e.from);
      const z = clusterOf.get(e.to);
      if (a !== undefined && z !== undefined && a !== z) g.setEdge(a, z);
    }
    dagre.layout(g, { disableOptimalOrderHeuristic: input.fast ?? false });
    for (const b of boxes) {
      const p = g.node(b.id);
      const w = b.width + clusterPadding * 2;
      const h = b.height + clusterPadding * 2 + clusterHeader;
      const left = (p.x ?? 0) - w / 2;
      const top = (p.y ?? 0) - h / 2;
      clusters.push({ id: b.id, x: left, y: top, width: w, height: h });
      width = Math.max(width, left + w);
      height = Math.max(height, top + h);
      for (const [id, x, y] of b.positions) {
        positions.set(id, { x: left + clusterPadding + x, y: top + clusterPadding + clusterHeader + y });
      }
    }
  }
  return {
    nodes: input.nodes.filter((n) => positions.has(n.id)).map((n) => ({ id: n.id, ...positions.get(n.id)! })),
    clusters,
    width,
    height,
  };
}

export function layoutLineage(input: LayoutInput): LayoutResult {
  const ids = new Set(input.nodes.map((n) => n.id));
  const clean: LayoutInput = { ...input, edges: input.edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
  return placeClusters(layoutClusterBoxes(clean), clean);
}
