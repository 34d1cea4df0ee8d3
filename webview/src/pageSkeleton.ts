// The lineage panel's page: its toolbar, legend, graph, overview, details pane and menu, and the elements the parts use.
import { select } from 'd3-selection';
import type { Selection } from 'd3-selection';

export const SVG_NS = 'http://www.w3.org/2000/svg';
/** Size of the overview (minimap) shown when the graph is bigger than the view. */
export const OVERVIEW_W = 180;
export const OVERVIEW_H = 120;

export interface PanelDom {
  readonly app: HTMLElement;
  readonly searchInput: HTMLInputElement;
  readonly upSelect: HTMLSelectElement;
  readonly downSelect: HTMLSelectElement;
  readonly groupSelect: HTMLSelectElement;
  readonly directionSelect: HTMLSelectElement;
  readonly legend: HTMLElement;
  readonly focusLabel: HTMLElement;
  readonly statusLine: HTMLElement;
  readonly menu: HTMLElement;
  readonly detailsPane: HTMLElement;
  readonly svgNode: SVGSVGElement;
  readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  readonly viewport: Selection<SVGGElement, unknown, null, undefined>;
  readonly clusterLayer: Selection<SVGGElement, unknown, null, undefined>;
  readonly edgeLayer: Selection<SVGGElement, unknown, null, undefined>;
  /** Edges no lane could route around the nodes in their way: drawn over the nodes, haloed, rather than hidden behind them. */
  readonly overLayer: Selection<SVGGElement, unknown, null, undefined>;
  readonly nodeLayer: Selection<SVGGElement, unknown, null, undefined>;
  readonly overview: SVGSVGElement;
  readonly overviewNodes: SVGPathElement;
  readonly overviewView: SVGRectElement;
}

/** Writes the page into #app and returns its elements. */
export function buildPage(): PanelDom {
  const app = document.getElementById('app')!;
  app.innerHTML = `
<div class="toolbar" role="toolbar" aria-label="Lineage controls">
  <span class="codicon codicon-search" aria-hidden="true"></span>
  <input id="search" type="search" placeholder="Search assets" aria-label="Search assets" spellcheck="false">
  <span class="focus-label" id="focusLabel"></span>
  <label title="Upstream depth">Up <select id="up" aria-label="Upstream depth"></select></label>
  <label title="Downstream depth">Down <select id="down" aria-label="Downstream depth"></select></label>
  <button id="whole" class="icon-button" title="Show the whole graph" aria-label="Show the whole graph"><span class="codicon codicon-globe"></span></button>
  <select id="groupBy" aria-label="Group by" title="Group by">
    <option value="group">By group</option><option value="source">By source</option><option value="none">No groups</option>
  </select>
  <select id="direction" aria-label="Layout direction" title="Layout direction (Auto: top to bottom when the panel is taller than wide)">
    <option value="auto">Auto layout</option><option value="lr">Left → right</option><option value="tb">Top ↓ bottom</option>
  </select>
  <span class="spacer"></span>
  <span class="zoom-buttons" role="group" aria-label="Zoom">
    <button id="zoomOut" class="icon-button" title="Zoom out" aria-label="Zoom out"><span class="codicon codicon-zoom-out"></span></button>
    <button id="zoomReset" class="icon-button" title="Readable size (labels at the editor's font size)" aria-label="Readable size">100%</button>
    <button id="zoomIn" class="icon-button" title="Zoom in" aria-label="Zoom in"><span class="codicon codicon-zoom-in"></span></button>
    <button id="fit" class="icon-button" title="Fit: the whole graph if it fits at a readable size, else centred on the focused asset" aria-label="Fit"><span class="codicon codicon-screen-full"></span></button>
  </span>
  <button id="legendToggle" class="icon-button" title="Legend" aria-label="Show or hide the legend" aria-controls="legend"><span class="codicon codicon-info"></span></button>
  <button id="export" class="icon-button" title="Export SVG" aria-label="Export SVG"><span class="codicon codicon-export"></span></button>
</div>
<div class="legend" id="legend" role="note" aria-label="Legend">
  <span><span class="swatch status-never"></span>never run</span>
  <span><span class="swatch status-fresh"></span>fresh</span>
  <span><span class="swatch status-stale"></span>stale</span>
  <span><span class="swatch status-failed"></span>failed</span>
  <span><span class="swatch status-checks-failing"></span>checks failing</span>
  <span><span class="swatch status-checks-warning"></span>warn-level checks failing</span>
  <span><span class="swatch status-could-not-run"></span>could not run</span>
  <span><span class="swatch status-running"></span>running</span>
  <span><svg width="26" height="8" aria-hidden="true"><path class="edge" d="M1 4 H25"></path></svg>dependency</span>
  <span><svg width="26" height="8" aria-hidden="true"><path class="edge inferred" d="M1 4 H25"></path></svg>inferred from a name</span>
  <span><svg width="26" height="8" aria-hidden="true"><path class="col-link copy" d="M1 4 H25"></path></svg>column copied</span>
  <span><svg width="26" height="8" aria-hidden="true"><path class="col-link transformation" d="M1 4 H25"></path></svg>column transformed</span>
</div>
<div class="status" id="status" role="status" aria-live="polite"></div>
<div class="graph-area">
<svg id="graph" class="lineage-svg" xmlns="${SVG_NS}" role="group" aria-label="Asset lineage graph">
  <defs>
    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"></path>
    </marker>
    <marker id="colArrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z" class="col-arrow-head"></path>
    </marker>
  </defs>
  <g class="viewport"><g class="clusters"></g><g class="edges"></g><g class="nodes"></g><g class="edges-over"></g></g>
</svg>
<svg id="overview" class="overview" width="${OVERVIEW_W}" height="${OVERVIEW_H}" role="img" aria-label="Overview of the whole graph: click or drag to move the view" hidden>
  <path class="overview-nodes"></path><rect class="overview-view"></rect>
</svg>
<aside class="details" id="details" aria-label="Asset details" hidden></aside>
</div>
<div class="menu" id="menu" role="menu" hidden></div>`;

  const svgNode = document.getElementById('graph') as unknown as SVGSVGElement;
  const svg = select<SVGSVGElement, unknown>(svgNode);
  const viewport = svg.select<SVGGElement>('g.viewport');
  const overview = document.getElementById('overview') as unknown as SVGSVGElement;
  const upSelect = document.getElementById('up') as HTMLSelectElement;
  const downSelect = document.getElementById('down') as HTMLSelectElement;
  for (const sel of [upSelect, downSelect]) {
    for (const [value, text] of [['1', '1'], ['2', '2'], ['3', '3'], ['5', '5'], ['all', 'All']] as const) {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = text;
      sel.appendChild(o);
    }
  }
  return {
    app,
    searchInput: document.getElementById('search') as HTMLInputElement,
    upSelect,
    downSelect,
    groupSelect: document.getElementById('groupBy') as HTMLSelectElement,
    directionSelect: document.getElementById('direction') as HTMLSelectElement,
    legend: document.getElementById('legend')!,
    focusLabel: document.getElementById('focusLabel')!,
    statusLine: document.getElementById('status')!,
    menu: document.getElementById('menu')!,
    detailsPane: document.getElementById('details')!,
    svgNode,
    svg,
    viewport,
    clusterLayer: viewport.select<SVGGElement>('g.clusters'),
    edgeLayer: viewport.select<SVGGElement>('g.edges'),
    overLayer: viewport.select<SVGGElement>('g.edges-over'),
    nodeLayer: viewport.select<SVGGElement>('g.nodes'),
    overview,
    overviewNodes: overview.querySelector('path')!,
    overviewView: overview.querySelector('rect')!,
  };
}
