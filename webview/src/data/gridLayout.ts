// The grid's geometry: row height, the row-number column, and column widths fitted to their content.
import type { DataCell, DataColumnInfo } from '../../../src/protocol/dataMessages';
import { cellDisplay } from './dataGridModel';
import type { DataPanelState } from './dataPanelState';

export const ROW_PX = 22;
export const ROWNUM_PX = 64;

const measure = document.createElement('canvas').getContext('2d');

/** The CSS grid columns of the header and of every row. */
export function gridTemplate(state: DataPanelState): string {
  return `${ROWNUM_PX}px ${state.widths.map((w) => `${w}px`).join(' ')}`;
}

/** Whole rows that fit below the header. */
export function rowsOnScreen(state: DataPanelState): number {
  const { gridScroll, header } = state.dom;
  return Math.max(1, Math.floor((gridScroll.clientHeight - header.offsetHeight) / ROW_PX));
}

/** The drawn width of text in the grid's font (the editor font, set by the theme). */
function textPx(state: DataPanelState, text: string, bold = false): number {
  if (!measure) return text.length * 9;
  const style = getComputedStyle(state.dom.gridScroll);
  measure.font = `${bold ? '600 ' : ''}${style.fontSize} ${style.fontFamily}`;
  return measure.measureText(text).width;
}

/** A column as wide as its name, type and the first page's values need, within bounds. */
function columnWidth(state: DataPanelState, c: DataColumnInfo, index: number, sample: readonly (readonly DataCell[])[]): number {
  // The header holds the name with the sort arrow and the type (0.85em), beside the filter button.
  let px = Math.max(textPx(state, c.name, true) + 22, textPx(state, c.type.slice(0, 24)) * 0.85 + 22);
  for (const row of sample.slice(0, 50)) px = Math.max(px, textPx(state, cellDisplay(row[index] ?? null, c, state.locale).text) + (c.kind === 'nested' ? 18 : 0));
  return Math.ceil(Math.min(360, Math.max(48, px + 14)));
}

/**
 * Takes the columns of a page; widths are measured again only when the columns changed
 * (or none are measured yet), so they do not jump while scrolling. True when they were: the header needs drawing.
 */
export function takeColumns(state: DataPanelState, next: readonly DataColumnInfo[], sample: readonly (readonly DataCell[])[]): boolean {
  const { columns } = state;
  const same = next.length === columns.length && next.every((c, i) => c.name === columns[i]!.name && c.type === columns[i]!.type);
  state.columns = next;
  if (same && state.widths.length > 0) return false;
  state.widths = next.map((c, i) => columnWidth(state, c, i, sample));
  return true;
}
