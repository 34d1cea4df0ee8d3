// What the extension wrote into the page for its first drawing (a new panel of a graph already discovered).
import { FIRST_DRAWING_ID } from '../../src/protocol/lineageMessages';
import type { FirstDrawing } from '../../src/protocol/lineageMessages';

/** The FirstDrawing in the page's HTML, or undefined (a restored panel, a graph still being discovered). */
export function readFirstDrawing(): FirstDrawing | undefined {
  const text = document.getElementById(FIRST_DRAWING_ID)?.textContent;
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as FirstDrawing;
    return value && Array.isArray(value.snapshot?.nodes) ? value : undefined;
  } catch (err) {
    // The extension asks nothing back: the snapshot it sends on 'ready' is not coming. Say so rather than draw nothing silently.
    console.error('Lineage: the first drawing in the page could not be read:', err);
    return undefined;
  }
}
