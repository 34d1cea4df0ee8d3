/**
 * Where the lineage panel looks and at what scale: pure rules (no DOM), so
 * the readable-scale, fit and focus behaviour is unit-tested.
 */

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** d3-zoom's transform as plain numbers: screen = graph * k + (x, y). */
export interface ViewTransform {
  readonly k: number;
  readonly x: number;
  readonly y: number;
}

export type LayoutDirection = 'lr' | 'tb';
export type DirectionPreference = 'auto' | LayoutDirection;

/** Font sizes of node text in graph units (the CSS of `.label` and `.sub`). */
export const LABEL_FONT_PX = 13;
export const SUB_FONT_PX = 11;
/** No node text is drawn smaller than this on screen by an automatic fit. */
export const MIN_TEXT_PX = 11;
/** VS Code's editor font at 100 % when the webview does not say. */
export const DEFAULT_EDITOR_FONT_PX = 14;
/** Automatic fits never enlarge beyond this: a two-node graph need not fill the screen. */
export const MAX_FIT_SCALE = 1.25;
/** The zoom buttons and the wheel stay within these. */
export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 4;
/** Space kept clear around a fitted graph, in screen pixels. */
export const FIT_MARGIN_PX = 24;

/** `14px`, `13.5px`, `1em`… → pixels, or the default when it is not a pixel size. */
export function parseFontPx(value: string | undefined): number {
  const m = /^\s*(\d+(?:\.\d+)?)px\s*$/.exec(value ?? '');
  const px = m ? Number(m[1]) : Number.NaN;
  return Number.isFinite(px) && px > 0 ? px : DEFAULT_EDITOR_FONT_PX;
}

/**
 * The smallest scale an automatic fit may use: node labels at least the
 * editor's font, and no text (the smaller second line) under MIN_TEXT_PX.
 */
export function readableScale(editorFontPx: number): number {
  return Math.max(editorFontPx / LABEL_FONT_PX, MIN_TEXT_PX / SUB_FONT_PX);
}

/** Top-to-bottom for a panel taller than wide (a narrow column beside the editor), else left-to-right. */
export function chooseDirection(panel: Size, preference: DirectionPreference): LayoutDirection {
  if (preference !== 'auto') return preference;
  return panel.height > panel.width ? 'tb' : 'lr';
}

/** On one axis: centre content that fits; otherwise centre on `at`, but never leave more than the margin empty at either end. */
function placeAxis(view: number, content: number, k: number, at: number | undefined, margin: number): number {
  const scaled = content * k;
  if (scaled + 2 * margin <= view) return (view - scaled) / 2;
  // Without a focus, start where the flow starts (left or top), as one reads.
  const wanted = at === undefined ? margin : view / 2 - at * k;
  return Math.min(margin, Math.max(view - margin - scaled, wanted));
}

/**
 * The transform that shows a laid-out graph of size `content` in `view`:
 * the whole graph when it fits at a readable scale, else the readable scale,
 * centred on `focus` (or the graph's start) and panned from there.
 */
export function fitTransform(
  view: Size,
  content: Size,
  options: { readonly minScale: number; readonly focus?: Point; readonly maxScale?: number; readonly margin?: number },
): ViewTransform {
  const margin = options.margin ?? FIT_MARGIN_PX;
  const maxScale = Math.max(options.maxScale ?? MAX_FIT_SCALE, options.minScale);
  const w = Math.max(content.width, 1);
  const h = Math.max(content.height, 1);
  const whole = Math.min((view.width - 2 * margin) / w, (view.height - 2 * margin) / h);
  const k = Math.min(maxScale, Math.max(options.minScale, whole));
  return {
    k,
    x: placeAxis(view.width, w, k, options.focus?.x, margin),
    y: placeAxis(view.height, h, k, options.focus?.y, margin),
  };
}

/** Whether every node box (centres `points`, node size `node`) is inside the view under `t`. */
export function allVisible(view: Size, t: ViewTransform, points: readonly Point[], node: Size): boolean {
  return points.every((p) => {
    const left = (p.x - node.width / 2) * t.k + t.x;
    const top = (p.y - node.height / 2) * t.k + t.y;
    return left >= -0.5 && top >= -0.5 && left + node.width * t.k <= view.width + 0.5 && top + node.height * t.k <= view.height + 0.5;
  });
}

/** The zoom buttons' step, about the view's centre, kept within MIN_ZOOM..MAX_ZOOM. */
export function zoomBy(view: Size, t: ViewTransform, factor: number): ViewTransform {
  const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, t.k * factor));
  const cx = view.width / 2;
  const cy = view.height / 2;
  // The graph point under the centre stays under the centre.
  const gx = (cx - t.x) / t.k;
  const gy = (cy - t.y) / t.k;
  return { k, x: cx - gx * k, y: cy - gy * k };
}

/** The 100 % button: the readable scale, keeping the point under the view's centre. */
export function zoomToScale(view: Size, t: ViewTransform, k: number): ViewTransform {
  return zoomBy(view, t, k / t.k);
}

/** On-screen size of node label text under `t`. */
export function labelScreenPx(t: ViewTransform): number {
  return LABEL_FONT_PX * t.k;
}

/** The overview (minimap): the whole graph scaled into a box, and where the view is on it. */
export interface OverviewFrame {
  /** Graph units to overview pixels. */
  readonly scale: number;
  /** Offset of the graph's origin in the overview, centring it. */
  readonly x: number;
  readonly y: number;
}

export function overviewFrame(box: Size, content: Size, padding = 4): OverviewFrame {
  const w = Math.max(content.width, 1);
  const h = Math.max(content.height, 1);
  const scale = Math.min((box.width - 2 * padding) / w, (box.height - 2 * padding) / h);
  return { scale, x: (box.width - w * scale) / 2, y: (box.height - h * scale) / 2 };
}

/** The part of the graph the view shows, as a rectangle in overview pixels. */
export function overviewViewport(frame: OverviewFrame, view: Size, t: ViewTransform): { x: number; y: number; width: number; height: number } {
  const gx = -t.x / t.k;
  const gy = -t.y / t.k;
  return { x: frame.x + gx * frame.scale, y: frame.y + gy * frame.scale, width: (view.width / t.k) * frame.scale, height: (view.height / t.k) * frame.scale };
}

/** The transform, at the same scale, that centres the view on the graph point under an overview pixel. */
export function panToOverviewPoint(frame: OverviewFrame, view: Size, t: ViewTransform, px: number, py: number): ViewTransform {
  const gx = (px - frame.x) / frame.scale;
  const gy = (py - frame.y) / frame.scale;
  return { k: t.k, x: view.width / 2 - gx * t.k, y: view.height / 2 - gy * t.k };
}

/** Whether the whole graph is in view (then the overview has nothing to add). */
export function contentInView(view: Size, content: Size, t: ViewTransform): boolean {
  return t.x >= -0.5 && t.y >= -0.5 && t.x + content.width * t.k <= view.width + 0.5 && t.y + content.height * t.k <= view.height + 0.5;
}

/** The transform that puts graph point `after` where graph point `before` was on screen, at the same scale: a node that moved in a new layout stays under the pointer. */
export function keepInPlace(t: ViewTransform, before: Point, after: Point): ViewTransform {
  return { k: t.k, x: t.x + (before.x - after.x) * t.k, y: t.y + (before.y - after.y) * t.k };
}

/**
 * Where a graph too big for the view opens when no asset is focused: the
 * first node in reading order (leftmost, then topmost; topmost first top to
 * bottom). The layout's corner itself can be empty space between clusters.
 */
export function flowStart<P extends Point>(nodes: readonly P[], direction: LayoutDirection): P | undefined {
  let best: P | undefined;
  for (const n of nodes) {
    const [a, b] = direction === 'tb' ? [n.y, n.x] : [n.x, n.y];
    const [ba, bb] = best ? (direction === 'tb' ? [best.y, best.x] : [best.x, best.y]) : [Infinity, Infinity];
    if (a < ba - 0.5 || (Math.abs(a - ba) <= 0.5 && b < bb)) best = n;
  }
  return best;
}
