// The lineage panel: wires the page's parts to one PanelState and to the extension's messages (src/protocol only).
import 'd3-transition';
import type { ExtensionToWebviewMessage, LineageSnapshot, RememberedLayout } from '../../src/protocol/lineageMessages';
import type { ColumnViewState } from './model/columnView';
import type { LineageView } from './model/lineageViewModel';
import { chooseDirection } from './model/lineageViewport';
import type { LayoutDirection, ViewTransform } from './model/lineageViewport';
import type { LayoutResult } from './layout/layeredLayout';
import { clearColumnSelection, receiveColumns, receiveTrace, refreshColumnsAfterSnapshot } from './columnsUi';
import { ContextMenu } from './contextMenu';
import { closeDetails, refreshDetailsAfterSnapshot, showDetails } from './detailsUi';
import { wireNodeInteraction } from './nodeInteraction';
import { wireOverview } from './overview';
import { readFirstDrawing } from './firstDrawing';
import { buildPage } from './pageSkeleton';
import { createPanelState } from './panelState';
import { scheduleRender } from './renderer';
import { focusOn, syncControls, wireToolbar } from './toolbar';
import { wireZoom } from './zoomGestures';
import { currentTransform, nodeNearestCentre, viewSize } from './zoomView';

// Read before anything else: document.currentScript is only set while the script's first task runs.
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src;

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

const dom = buildPage();
const { state, savedTransform } = createPanelState(acquireVsCodeApi(), dom);
wireToolbar(state);
wireZoom(state, savedTransform);
const menu = new ContextMenu(state);
wireNodeInteraction(state, menu);
wireOverview(state);

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || !dom.menu.hidden) return;
  // The highlighted column goes first, then the details pane.
  if (!clearColumnSelection(state) && !dom.detailsPane.hidden) closeDetails(state);
});
// A click on empty space (not after a drag: d3-zoom swallows that click) clears the highlighted column.
dom.svg.on('click.columns', (event: MouseEvent) => {
  if (!(event.target as Element).closest('g.node')) clearColumnSelection(state);
});

// A panel that turns from wide to tall (or back) lays out again in the direction that suits it.
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (state.layout && state.directionPreference === 'auto' && chooseDirection(viewSize(state), 'auto') !== state.direction) {
      // Keep the asset the user was looking at in view through the new layout.
      state.fitAnchor = nodeNearestCentre(state);
      state.pendingFit = true;
      scheduleRender(state);
    }
  }, 200);
});

function receiveSnapshot(snapshot: LineageSnapshot, layout: RememberedLayout | undefined): void {
  if (layout) state.layouts.remember(layout);
  state.snapshot = snapshot;
  state.snapshotAt = performance.now();
  refreshColumnsAfterSnapshot(state, snapshot);
  scheduleRender(state);
  refreshDetailsAfterSnapshot(state);
}

window.addEventListener('message', (event: MessageEvent<ExtensionToWebviewMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  if (message.type === 'snapshot') {
    receiveSnapshot(message.snapshot, message.layout);
  } else if (message.type === 'details') {
    showDetails(state, message.details);
  } else if (message.type === 'columns') {
    receiveColumns(state, message.columns);
  } else if (message.type === 'columnTrace') {
    receiveTrace(state, message);
  } else if (message.type === 'focus') {
    if (message.key !== state.options.focus) focusOn(state, message.key);
  }
});

// When VS Code shows the page: its frame stays hidden until the page has loaded (styles, script, fonts).
window.addEventListener('load', () => (state.loadedAt = performance.now()), { once: true });
syncControls(state);
const scriptEntry = scriptUrl ? performance.getEntriesByName(scriptUrl)[0] : undefined;
state.post({
  type: 'ready',
  pageMs: performance.now(),
  pageStartedAt: performance.timeOrigin,
  ...(scriptEntry && 'responseEnd' in scriptEntry ? { scriptLoadedMs: (scriptEntry as PerformanceResourceTiming).responseEnd } : {}),
});
// A new panel of a known graph: drawn now, without asking for it (the extension sends a snapshot after 'ready' only if it changed).
const first = readFirstDrawing();
if (first) {
  if (first.focus !== undefined) focusOn(state, first.focus);
  receiveSnapshot(first.snapshot, first.layout);
}

// Exposed for tests and the benchmark: read-only facts about what is drawn.
(window as unknown as { lineagePanel: unknown }).lineagePanel = {
  get view(): LineageView | undefined {
    return state.view;
  },
  get layout(): LayoutResult | undefined {
    return state.layout;
  },
  get direction(): LayoutDirection {
    return state.direction;
  },
  get columns(): ColumnViewState {
    return state.columnState;
  },
  get transform(): ViewTransform {
    return currentTransform(state);
  },
};
