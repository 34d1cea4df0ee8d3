// The toolbar and legend: search, depths, grouping, direction, zoom buttons and export, kept in step with the options.
import type { GroupBy, LineageViewOptions } from './model/lineageViewModel';
import { readableScale, zoomBy, zoomToScale } from './model/lineageViewport';
import type { DirectionPreference } from './model/lineageViewport';
import type { PanelState } from './panelState';
import { scheduleRender } from './renderer';
import { exportSvg } from './svgExport';
import { applyTransform, currentTransform, editorFontPx, fit, viewSize } from './zoomView';

function depthValue(d: number | null): string {
  return d === null ? 'all' : String(d);
}
function parseDepth(v: string): number | null {
  return v === 'all' ? null : Math.max(0, Number.parseInt(v, 10) || 0);
}

export function syncControls(state: PanelState): void {
  const { searchInput, upSelect, downSelect, groupSelect, directionSelect, focusLabel } = state.dom;
  const { options } = state;
  searchInput.value = options.search;
  upSelect.value = depthValue(options.upstreamDepth);
  downSelect.value = depthValue(options.downstreamDepth);
  groupSelect.value = options.groupBy;
  directionSelect.value = state.directionPreference;
  const focused = options.focus !== undefined;
  upSelect.disabled = !focused;
  downSelect.disabled = !focused;
  focusLabel.textContent = focused ? `Around ${options.focus}` : 'Whole graph';
}

/** `refit`: the set of nodes shown changes, so the view is fitted to it again. */
export function setOptions(state: PanelState, next: Partial<LineageViewOptions>, refit = true): void {
  state.options = { ...state.options, ...next };
  if (refit) state.pendingFit = true;
  syncControls(state);
  state.saveState();
  scheduleRender(state);
}

export function focusOn(state: PanelState, key: string): void {
  setOptions(state, { focus: key });
}

export function wireToolbar(state: PanelState): void {
  const { searchInput, upSelect, downSelect, groupSelect, directionSelect, legend } = state.dom;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  searchInput.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => setOptions(state, { search: searchInput.value }), 150);
  });
  upSelect.addEventListener('change', () => setOptions(state, { upstreamDepth: parseDepth(upSelect.value) }));
  downSelect.addEventListener('change', () => setOptions(state, { downstreamDepth: parseDepth(downSelect.value) }));
  groupSelect.addEventListener('change', () => setOptions(state, { groupBy: groupSelect.value as GroupBy }));
  directionSelect.addEventListener('change', () => {
    state.directionPreference = directionSelect.value as DirectionPreference;
    state.pendingFit = true;
    state.saveState();
    scheduleRender(state);
  });
  document.getElementById('legendToggle')!.addEventListener('click', () => {
    legend.hidden = !legend.hidden;
    state.saveState();
  });
  document.getElementById('whole')!.addEventListener('click', () => {
    const { focus: _dropped, ...rest } = state.options;
    void _dropped;
    state.options = rest;
    syncControls(state);
    state.saveState();
    state.pendingFit = true;
    scheduleRender(state);
  });
  document.getElementById('fit')!.addEventListener('click', () => fit(state, true));
  document.getElementById('zoomIn')!.addEventListener('click', () => applyTransform(state, zoomBy(viewSize(state), currentTransform(state), 1.25), true));
  document.getElementById('zoomOut')!.addEventListener('click', () => applyTransform(state, zoomBy(viewSize(state), currentTransform(state), 0.8), true));
  document.getElementById('zoomReset')!.addEventListener('click', () =>
    applyTransform(state, zoomToScale(viewSize(state), currentTransform(state), readableScale(editorFontPx())), true),
  );
  document.getElementById('export')!.addEventListener('click', () => state.post({ type: 'exportSvg', svg: exportSvg(state) }));
}
