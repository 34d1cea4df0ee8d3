// The lineage panel's mutable state in one place: each part of the page is handed this object.
import { zoom as d3zoom, zoomIdentity, zoomTransform } from 'd3-zoom';
import type { ZoomBehavior, ZoomTransform } from 'd3-zoom';
import type { LineageSnapshot, WebviewToExtensionMessage } from '../../src/protocol/lineageMessages';
import { defaultViewOptions } from './model/lineageViewModel';
import type { LineageView, LineageViewOptions } from './model/lineageViewModel';
import { emptyColumnView } from './model/columnView';
import type { ColumnViewState, NodeColumns } from './model/columnView';
import { MAX_ZOOM, MIN_ZOOM } from './model/lineageViewport';
import type { DirectionPreference, LayoutDirection } from './model/lineageViewport';
import type { LayoutResult, PlacedNode } from './layout/layeredLayout';
import type { NodeIndex } from './layout/edgeRoutes';
import { LayoutClient } from './layoutClient';
import type { PanelDom } from './pageSkeleton';

/** What VS Code keeps for the panel while it is hidden (vscode.setState). */
export interface SavedState {
  options: LineageViewOptions;
  transform?: { k: number; x: number; y: number };
  direction?: DirectionPreference;
  legend?: boolean;
}

/** A graph-space rectangle. */
export type Rect = { x0: number; y0: number; x1: number; y1: number };

/** What is drawn now (render/drawing.ts): big graphs keep only what is near the view in the DOM. */
export interface Drawn {
  readonly v: LineageView;
  readonly l: LayoutResult;
  readonly pos: Map<string, PlacedNode>;
  far: boolean;
  /** Graph-space rectangle whose content is in the DOM (everything when not culling). */
  covered: Rect | undefined;
}

/** Per layout: the node index and the path of each edge drawn so far (routing is done for edges as they come into view). */
export interface RouteCache {
  readonly layout: LayoutResult;
  readonly index: NodeIndex;
  readonly paths: Map<string, { d: string; over: boolean }>;
  rows?: NodeIndex;
}

export interface PanelState {
  readonly dom: PanelDom;
  readonly post: (message: WebviewToExtensionMessage) => void;
  readonly saveState: () => void;
  readonly zoom: ZoomBehavior<SVGSVGElement, unknown>;
  readonly layouts: LayoutClient;
  options: LineageViewOptions;
  directionPreference: DirectionPreference;
  snapshot: LineageSnapshot | undefined;
  /** performance.now() when the snapshot reached the page (the opening's breakdown). */
  snapshotAt: number | undefined;
  /** performance.now() at the page's load event, after which VS Code shows the page. */
  loadedAt: number | undefined;
  view: LineageView | undefined;
  layout: LayoutResult | undefined;
  /** The direction the current layout was made in. */
  direction: LayoutDirection;
  renderSeq: number;
  renderQueued: boolean;
  /** The next render fits the view to what is shown. */
  pendingFit: boolean;
  /** After a resize that changes the layout's direction: the node to keep in view when no asset is focused. */
  fitAnchor: string | undefined;
  /** After an expand or a trace: this node keeps its place on screen through the new layout. */
  keepNode: { key: string; top: { x: number; y: number } } | undefined;
  /** Expanded nodes, their columns and the selected column (webview/src/model/columnView.ts). */
  columnState: ColumnViewState;
  /** Columns of the expanded nodes drawn now, and where each row is (`key\0column` → row). */
  nodeCols: Map<string, NodeColumns>;
  rowIndex: Map<string, number>;
  selectedKey: string | undefined;
  drawn: Drawn | undefined;
  visibleCheckQueued: boolean;
  routes: RouteCache | undefined;
  /** Routing in one draw stops at this time (performance.now()); what is left is routed in the next frames. */
  routeDeadline: number;
  routesPending: boolean;
  /** A pan or zoom is under way: edges coming into view are drawn as curves and routed when it ends, so frames stay short. */
  gesture: boolean;
  routesDeferred: boolean;
  /**
   * The graph's size on screen, kept by a ResizeObserver (zoomGestures.ts): reading it from the element
   * after the DOM changed would lay out the whole page there and then, the old graph included.
   */
  viewSize: { width: number; height: number };
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** The state of a page just built, restored from what VS Code kept, and the transform it kept (applied once zoom is wired). */
export function createPanelState(vscode: VsCodeApi, dom: PanelDom): { state: PanelState; savedTransform: ZoomTransform | undefined } {
  const saved = (vscode.getState() as SavedState | undefined) ?? undefined;
  const savedTransform = saved?.transform ? zoomIdentity.translate(saved.transform.x, saved.transform.y).scale(saved.transform.k) : undefined;
  dom.legend.hidden = saved?.legend === false;
  const initialBox = dom.svgNode.getBoundingClientRect();
  const state: PanelState = {
    dom,
    post: (message) => vscode.postMessage(message),
    saveState: () => {
      const t = zoomTransform(dom.svgNode);
      const kept: SavedState = { options: state.options, transform: { k: t.k, x: t.x, y: t.y }, direction: state.directionPreference, legend: !dom.legend.hidden };
      vscode.setState(kept);
    },
    zoom: d3zoom<SVGSVGElement, unknown>().scaleExtent([MIN_ZOOM, MAX_ZOOM]),
    layouts: new LayoutClient(dom.app.dataset.workerUri),
    options: { ...defaultViewOptions, ...(saved?.options ?? {}) },
    directionPreference: saved?.direction ?? 'auto',
    snapshot: undefined,
    snapshotAt: undefined,
    loadedAt: undefined,
    view: undefined,
    layout: undefined,
    direction: 'lr',
    renderSeq: 0,
    renderQueued: false,
    pendingFit: savedTransform === undefined,
    fitAnchor: undefined,
    keepNode: undefined,
    columnState: emptyColumnView,
    nodeCols: new Map(),
    rowIndex: new Map(),
    selectedKey: undefined,
    drawn: undefined,
    visibleCheckQueued: false,
    routes: undefined,
    routeDeadline: Infinity,
    routesPending: false,
    gesture: false,
    routesDeferred: false,
    viewSize: { width: initialBox.width, height: initialBox.height },
  };
  return { state, savedTransform };
}
