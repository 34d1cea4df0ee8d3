// Mouse and keyboard on the graph's nodes: open, select, expand columns, trace a column, the context menu; hover text.
import { toggleColumns, selectColumnRow } from './columnsUi';
import type { ContextMenu } from './contextMenu';
import { selectNode } from './detailsUi';
import { SVG_NS } from './pageSkeleton';
import type { PanelState } from './panelState';

function keyOf(target: EventTarget | null): string | undefined {
  const el = (target as Element | null)?.closest?.('g.node');
  return el?.getAttribute('data-key') ?? undefined;
}

export function wireNodeInteraction(state: PanelState, menu: ContextMenu): void {
  const { nodeLayer } = state.dom;
  // Hover text on demand: a <title> in each of thousands of nodes would slow drawing down.
  nodeLayer.on('mouseover', (event: MouseEvent) => {
    const el = (event.target as Element | null)?.closest?.('g.node');
    if (!el || el.querySelector('title')) return;
    const t = document.createElementNS(SVG_NS, 'title');
    t.textContent = el.getAttribute('aria-label') ?? '';
    el.prepend(t);
  });
  nodeLayer.on('click', (event: MouseEvent) => {
    const key = keyOf(event.target);
    if (!key) return;
    const target = event.target as Element;
    if (target.closest('.col-toggle')) {
      toggleColumns(state, key);
      return;
    }
    const row = target.closest('.col-row');
    if (row) {
      selectColumnRow(state, key, row.getAttribute('data-column') ?? '');
      return;
    }
    // Opens the definition beside the panel and shows the asset's details here.
    state.post({ type: 'openDefinition', key });
    selectNode(state, key);
  });
  nodeLayer.on('keydown', (event: KeyboardEvent) => {
    const key = keyOf(event.target);
    if (!key) return;
    if (event.key === 'Enter') {
      event.preventDefault();
      state.post({ type: 'openDefinition', key });
      selectNode(state, key);
    } else if (event.key === ' ') {
      event.preventDefault();
      selectNode(state, key);
    } else if (event.key === 'c' && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      toggleColumns(state, key);
    } else if (event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
      event.preventDefault();
      const r = (event.target as Element).getBoundingClientRect();
      menu.open(key, r.left + 20, r.bottom);
    }
  });
  nodeLayer.on('contextmenu', (event: MouseEvent) => {
    const key = keyOf(event.target);
    if (!key) return;
    event.preventDefault();
    menu.open(key, event.clientX, event.clientY);
  });
}
