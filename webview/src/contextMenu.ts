// A node's context menu: what can be done to an asset, by mouse or keyboard.
import type { MaterializeMode } from '../../src/protocol/lineageMessages';
import { toggleColumns } from './columnsUi';
import type { PanelState } from './panelState';
import { focusOn } from './toolbar';

interface MenuAction {
  readonly label: string;
  readonly icon: string;
  run(state: PanelState, key: string): void;
}

const materialize = (state: PanelState, key: string, mode: MaterializeMode): void => state.post({ type: 'materialize', key, mode });

const menuActions: readonly MenuAction[] = [
  { label: 'Open Definition', icon: 'go-to-file', run: (state, key) => state.post({ type: 'openDefinition', key }) },
  { label: 'Show Neighbourhood', icon: 'type-hierarchy', run: (state, key) => focusOn(state, key) },
  { label: 'Show or Hide Columns', icon: 'symbol-field', run: (state, key) => toggleColumns(state, key) },
  { label: 'Preview Data', icon: 'table', run: (state, key) => state.post({ type: 'previewData', key }) },
  { label: 'Compare with Target…', icon: 'diff', run: (state, key) => state.post({ type: 'compare', key }) },
  { label: 'Materialize', icon: 'play', run: (state, key) => materialize(state, key, 'asset') },
  { label: 'Materialize with Upstream', icon: 'run-above', run: (state, key) => materialize(state, key, 'upstream') },
  { label: 'Materialize with Downstream', icon: 'run-below', run: (state, key) => materialize(state, key, 'downstream') },
];

/** The menu element of the page; focus goes back where it was when the menu closes. */
export class ContextMenu {
  private returnFocus: HTMLElement | SVGElement | undefined;

  constructor(private readonly state: PanelState) {
    const menu = state.dom.menu;
    menu.addEventListener('keydown', (event) => {
      const items = [...menu.querySelectorAll<HTMLButtonElement>('button')];
      const i = items.indexOf(document.activeElement as HTMLButtonElement);
      if (event.key === 'Escape') this.close();
      else if (event.key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
      else if (event.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
      else return;
      event.preventDefault();
    });
    document.addEventListener('mousedown', (event) => {
      if (!menu.contains(event.target as Node)) this.close();
    });
  }

  get isOpen(): boolean {
    return !this.state.dom.menu.hidden;
  }

  open(key: string, x: number, y: number): void {
    const menu = this.state.dom.menu;
    this.returnFocus = document.activeElement as HTMLElement | undefined;
    menu.replaceChildren();
    for (const action of menuActions) {
      const b = document.createElement('button');
      b.setAttribute('role', 'menuitem');
      b.dataset.action = action.label;
      const icon = document.createElement('span');
      icon.className = `codicon codicon-${action.icon}`;
      b.append(icon, ` ${action.label}`);
      b.addEventListener('click', () => {
        this.close();
        action.run(this.state, key);
      });
      menu.appendChild(b);
    }
    menu.hidden = false;
    const r = menu.getBoundingClientRect();
    menu.style.left = `${Math.min(x, window.innerWidth - r.width - 4)}px`;
    menu.style.top = `${Math.min(y, window.innerHeight - r.height - 4)}px`;
    (menu.firstElementChild as HTMLElement | null)?.focus();
  }

  close(): void {
    const menu = this.state.dom.menu;
    if (menu.hidden) return;
    menu.hidden = true;
    (this.returnFocus as HTMLElement | undefined)?.focus?.();
  }
}
