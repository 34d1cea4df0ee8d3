// Export SVG: the whole graph as a file that looks the same outside VS Code.
import { statusColour } from './model/lineageViewModel';
import { SVG_NS } from './pageSkeleton';
import type { PanelState } from './panelState';
import { edgeMarkup } from './render/edgeMarkup';
import { clusterMarkup, nodeMarkup } from './render/nodeMarkup';

/** The theme colours the drawing uses, resolved now so the file looks the same outside VS Code. */
const exportedVariables = [
  '--vscode-editor-background',
  '--vscode-editor-foreground',
  '--vscode-descriptionForeground',
  '--vscode-disabledForeground',
  '--vscode-testing-iconPassed',
  '--vscode-testing-iconFailed',
  '--vscode-editorWarning-foreground',
  '--vscode-editorError-foreground',
  '--vscode-progressBar-background',
  '--vscode-panel-border',
  '--vscode-editorWidget-background',
  '--vscode-focusBorder',
  '--vscode-badge-background',
  '--vscode-badge-foreground',
  '--vscode-font-family',
];

const statusRules = (['never', 'fresh', 'stale', 'failed', 'could-not-run', 'running', 'checks-failing', 'checks-warning'] as const)
  .map((status) => `.status-${status} .state-bar{fill:${statusColour(status)}}`)
  .join('');

const exportRules = `
.cluster rect{fill:var(--vscode-editorWidget-background);fill-opacity:.35;stroke:var(--vscode-panel-border)}
.cluster-label{fill:var(--vscode-descriptionForeground);font-size:12px}
.edge{fill:none;stroke:var(--vscode-descriptionForeground);stroke-opacity:.6;stroke-width:1.2px}
.edge.inferred{stroke-dasharray:5 4}
.edge-halo{fill:none;stroke:var(--vscode-editor-background);stroke-width:5px;stroke-opacity:.9}
.col-link{fill:none;stroke-width:2px}.col-link.copy{stroke:#89d185}.col-link.transformation{stroke:#d18616;stroke-dasharray:6 3}
.col-sep{stroke:var(--vscode-panel-border)}.col-bg{fill:transparent}.col-name{fill:var(--vscode-editor-foreground);font-size:12px}
.col-via,.col-note{fill:var(--vscode-descriptionForeground);font-size:11px}.col-via{text-anchor:end}.col-toggle rect{fill:transparent}
.col-row.role-selected .col-bg{fill:var(--vscode-focusBorder)}.col-row.via-copy .col-bg{fill:#89d185;fill-opacity:.25}.col-row.via-transformation .col-bg{fill:#d18616;fill-opacity:.25}
.arrow-head{fill:var(--vscode-descriptionForeground)}
.node-box{fill:var(--vscode-editor-background);stroke:var(--vscode-panel-border)}
.node.focused .node-box{stroke:var(--vscode-focusBorder);stroke-width:2px}
.label{fill:var(--vscode-editor-foreground);font-size:13px}
.sub{fill:var(--vscode-descriptionForeground);font-size:11px}
.icon{fill:var(--vscode-descriptionForeground);font-family:codicon;font-size:14px}
.badge rect{fill:var(--vscode-badge-background)}
.badge.failing rect{fill:var(--vscode-editorError-foreground)}
.badge.warning rect{fill:var(--vscode-editorWarning-foreground)}
.badge.warning text{fill:var(--vscode-editor-background)}
.badge text{fill:var(--vscode-badge-foreground);font-size:10px;text-anchor:middle}
text{font-family:var(--vscode-font-family),sans-serif}
${statusRules}`;

export function exportSvg(state: PanelState): string {
  const { view, layout } = state;
  const style = getComputedStyle(document.body);
  const vars = exportedVariables
    .map((name) => [name, style.getPropertyValue(name).trim()] as const)
    .filter(([, value]) => value.length > 0)
    .map(([name, value]) => `${name}:${value}`)
    .join(';');
  const w = Math.ceil(layout?.width ?? 0) + 40;
  const h = Math.ceil(layout?.height ?? 0) + 40;
  // Built from the data, not the DOM: big graphs have only what is in view in the DOM.
  const exportOver: string[] = [];
  const all =
    view && layout
      ? `<g class="clusters">${clusterMarkup(view, layout)}</g>` +
        `<g class="edges">${edgeMarkup(state, view, new Map(layout.nodes.map((n) => [n.id, n])), false, undefined, exportOver)}</g>` +
        `<g class="nodes">${nodeMarkup(state, view, new Map(layout.nodes.map((n) => [n.id, n])), false, undefined)}</g>` +
        `<g class="edges-over">${exportOver.join('')}</g>`
      : '';
  const defs = state.dom.svgNode.querySelector('defs')!.outerHTML;
  const background = style.getPropertyValue('--vscode-editor-background').trim() || '#ffffff';
  return (
    `<svg xmlns="${SVG_NS}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<style>svg{${vars}}${exportRules}</style>${defs}` +
    `<rect width="100%" height="100%" fill="${background}"/><g transform="translate(20,20)">${all}</g></svg>`
  );
}
