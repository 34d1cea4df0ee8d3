/**
 * Layered (Sugiyama) layout of the lineage graph with d3-dag, left to right
 * or top to bottom.
 * Clusters are laid out one by one and then placed by a second d3-dag run over
 * the graph of clusters: smaller graphs make crossing reduction far
 * cheaper, and the result reads as boxes of related assets. Pure: runs in
 * the web worker or inline.
 */
import { coordGreedy, decrossTwoLayer, graph, layeringLongestPath, layeringSimplex, sugiyama } from 'd3-dag';
import type { MutGraphNode } from 'd3-dag';

export interface LayoutNodeInput {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly cluster?: string;
}

export interface LayoutInput {
  readonly nodes: readonly LayoutNodeInput[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  /** Two crossing-reduction sweeps instead of many: more crossings, much less time on big graphs. */
  readonly fast?: boolean;
  /** Left to right (default) or top to bottom, for a panel taller than wide. */
  readonly direction?: 'lr' | 'tb';
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
/** Top to bottom, ranks are stacked by node height: a shorter gap keeps a neighbourhood within a tall panel. */
const rankSepTB = 36;
const clusterPadding = 16;
const clusterHeader = 24;
const clusterGap = 48;

interface Box {
  readonly width: number;
  readonly height: number;
  /** Centres relative to the box's top-left. */
  readonly positions: Map<string, { x: number; y: number }>;
}

/** Above this many nodes in one layered run, crossing reduction makes two sweeps instead of d3-dag's default 24. */
const FEW_PASSES_ABOVE = 120;

/**
 * One d3-dag Sugiyama run, left to right: simplex layering (short edges;
 * longest-path when `fast`, as the simplex solver costs about as much as the
 * rest), two-layer median decrossing, greedy coordinates (linear time; quad and
 * simplex coordinates cost several times more for little visible gain here).
 * d3-dag lays out top-down, so left to right sizes go in as [height, width] and x/y swap.
 */
function sugiyamaLayers(
  nodes: readonly { id: string; width: number; height: number }[],
  edges: readonly { from: string; to: string }[],
  nodeGap: number,
  rankGap: number,
  fast: boolean,
  topDown: boolean,
): { width: number; height: number; positions: Map<string, { x: number; y: number }> } {
  const g = graph<{ id: string; width: number; height: number }, undefined>();
  const byId = new Map<string, MutGraphNode<{ id: string; width: number; height: number }, undefined>>();
  for (const n of nodes) byId.set(n.id, g.node(n));
  const seen = new Set<string>();
  for (const e of edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    const key = `${e.from}\u0000${e.to}`;
    if (!a || !b || a === b || seen.has(key)) continue;
    seen.add(key);
    g.link(a, b);
  }
  const layout = sugiyama()
    .layering(fast ? layeringLongestPath() : layeringSimplex())
    .decross(fast || nodes.length > FEW_PASSES_ABOVE ? decrossTwoLayer().passes(2) : decrossTwoLayer())
    .coord(coordGreedy())
    .nodeSize((n: { data?: { width: number; height: number } }): readonly [number, number] =>
      n.data ? (topDown ? [n.data.width, n.data.height] : [n.data.height, n.data.width]) : [0, 0],
    )
    .gap([nodeGap, rankGap]);
  const { width, height } = layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  if (topDown) {
    for (const n of g.nodes()) positions.set(n.data.id, { x: n.x, y: n.y });
    return { width, height, positions };
  }
  for (const n of g.nodes()) positions.set(n.data.id, { x: n.y, y: n.x });
  return { width: height, height: width, positions };
}

function layeredBox(nodes: readonly LayoutNodeInput[], edges: readonly { from: string; to: string }[], fast: boolean, topDown: boolean): Box {
  if (nodes.length === 1) {
    const n = nodes[0]!;
    return { width: n.width, height: n.height, positions: new Map([[n.id, { x: n.width / 2, y: n.height / 2 }]]) };
  }
  return sugiyamaLayers(nodes, edges, nodeSep, topDown ? rankSepTB : rankSep, fast, topDown);
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

/**
 * Stacks boxes in rows, in the given order (default: largest first), roughly
 * square overall — or, `wide`, in rows about three times as wide, for a top to
 * bottom layout, so that unconnected pieces sit side by side rather than in one
 * column where edges from above would pass behind them.
 */
function packBoxes(
  boxes: readonly { readonly width: number; readonly height: number }[],
  gap: number,
  order: readonly number[] = boxes.map((_, i) => i).sort((a, b) => boxes[b]!.height - boxes[a]!.height || boxes[b]!.width - boxes[a]!.width),
  wide = false,
): { offsets: { x: number; y: number }[]; width: number; height: number } {
  const area = boxes.reduce((s, b) => s + (b.width + gap) * (b.height + gap), 0);
  const rowWidth = Math.max(Math.sqrt(area) * (wide ? 3 : 1.6), ...boxes.map((b) => b.width));
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

/** packBoxes turned a quarter: columns about three times as tall as wide, for a left to right layout. */
function packInColumns(boxes: readonly { readonly width: number; readonly height: number }[], gap: number): { offsets: { x: number; y: number }[]; width: number; height: number } {
  const turned = packBoxes(boxes.map((b) => ({ width: b.height, height: b.width })), gap, undefined, true);
  return { offsets: turned.offsets.map((o) => ({ x: o.y, y: o.x })), width: turned.height, height: turned.width };
}

/** Lays out one set of nodes: each connected component by d3-dag, then packed. */
function layoutFlat(nodes: readonly LayoutNodeInput[], edges: readonly { from: string; to: string }[], fast: boolean, topDown: boolean): Box {
  const comps = components(nodes, edges);
  if (comps.length === 1) return layeredBox(nodes, edges, fast, topDown);
  const compOf = new Map<string, number>();
  comps.forEach((c, i) => c.forEach((n) => compOf.set(n.id, i)));
  const compEdges = comps.map(() => [] as { from: string; to: string }[]);
  for (const e of edges) {
    const c = compOf.get(e.from);
    if (c !== undefined && c === compOf.get(e.to)) compEdges[c]!.push(e);
  }
  const boxes = comps.map((c, i) => layeredBox(c, compEdges[i]!, fast, topDown));
  // Top to bottom, pieces sit side by side; left to right, one above the other: never where an edge into the next would pass behind one.
  const packed = topDown ? packBoxes(boxes, nodeSep * 2, undefined, true) : packInColumns(boxes, nodeSep * 2);
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
    const box = layoutFlat(ns, inner.get(c) ?? [], input.fast ?? false, input.direction === 'tb');
    boxes.push({ id: c, width: box.width, height: box.height, positions: [...box.positions].map(([id, p]) => [id, p.x, p.y] as const) });
  }
  return boxes;
}

/**
 * Above this many clusters, a layered layout of the cluster graph is mostly
 * empty space (long chains of groups reading from far-away groups) and costs
 * most of the budget (≈0.8 s for 125 clusters): clusters go in rows instead.
 */
const LAYERED_CLUSTERS_MAX = 40;

/**
 * Glue for many clusters: d3-dag's topological order of the cluster graph
 * (cycles broken by the library), then rows in reading order, so upstream
 * groups come first (top left). Returns centres.
 */
function rowsInTopologicalOrder(
  sized: readonly { id: string; width: number; height: number }[],
  edges: readonly { from: string; to: string }[],
): Map<string, { x: number; y: number }> {
  const g = graph<number, undefined>();
  const index = new Map(sized.map((b, i) => [b.id, i]));
  const nodes = sized.map((_, i) => g.node(i));
  const seen = new Set<string>();
  for (const e of edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b || seen.has(`${a}>${b}`)) continue;
    seen.add(`${a}>${b}`);
    g.link(nodes[a]!, nodes[b]!);
  }
  const order = g.topological().map((n) => n.data);
  const packed = packBoxes(sized, clusterGap, order);
  const centres = new Map<string, { x: number; y: number }>();
  sized.forEach((b, i) => centres.set(b.id, { x: packed.offsets[i]!.x + b.width / 2, y: packed.offsets[i]!.y + b.height / 2 }));
  return centres;
}

/** Places laid-out clusters with d3-dag (rows above LAYERED_CLUSTERS_MAX), as big nodes, so that upstream clusters sit to the left. */
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
    const clusterEdges: { from: string; to: string }[] = [];
    for (const e of input.edges) {
      const a = clusterOf.get(e.from);
      const z = clusterOf.get(e.to);
      if (a !== undefined && z !== undefined && a !== z) clusterEdges.push({ from: a, to: z });
    }
    const sized = boxes.map((b) => ({ id: b.id, width: b.width + clusterPadding * 2, height: b.height + clusterPadding * 2 + clusterHeader }));
    const centres = sized.length <= LAYERED_CLUSTERS_MAX
        ? sugiyamaLayers(sized, clusterEdges, clusterGap, input.direction === 'tb' ? clusterGap : clusterGap * 2, input.fast ?? false, input.direction === 'tb').positions
        : rowsInTopologicalOrder(sized, clusterEdges);
    for (const b of boxes) {
      const p = centres.get(b.id)!;
      const w = b.width + clusterPadding * 2;
      const h = b.height + clusterPadding * 2 + clusterHeader;
      const left = p.x - w / 2;
      const top = p.y - h / 2;
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

/**
 * What each cluster's own layout depends on (its nodes with their sizes, its
 * inner edges, direction and speed), by cluster id: a cluster whose signature
 * did not change keeps its laid-out box, so expanding one node lays out only
 * that node's cluster again.
 */
export function clusterSignatures(input: LayoutInput): Map<string, string> {
  const clusterOf = new Map<string, string>();
  const parts = new Map<string, string[]>();
  const head = `${input.direction ?? 'lr'}\u0003${input.fast ? 'fast' : ''}`;
  for (const n of input.nodes) {
    const c = n.cluster ?? '';
    clusterOf.set(n.id, c);
    (parts.get(c) ?? parts.set(c, [head]).get(c)!).push(`${n.id}\u0001${n.width}x${n.height}`);
  }
  for (const e of input.edges) {
    const c = clusterOf.get(e.from);
    if (c !== undefined && c === clusterOf.get(e.to)) parts.get(c)!.push(`${e.from}\u0002${e.to}`);
  }
  return new Map([...parts].map(([c, p]) => [c, p.join('\u0000')]));
}

/** The part of `input` in the given clusters (nodes, and edges between two of them). */
export function clustersOnly(input: LayoutInput, clusters: ReadonlySet<string>): LayoutInput {
  const nodes = input.nodes.filter((n) => clusters.has(n.cluster ?? ''));
  const ids = new Set(nodes.map((n) => n.id));
  return { ...input, nodes, edges: input.edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
}
