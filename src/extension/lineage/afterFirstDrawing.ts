/** What a new panel's page was given in its HTML, and whether the graph changed before the page was ready. */
export interface InlinedDrawing {
  readonly focus: string | undefined;
  readonly changed: boolean;
}

/**
 * What the extension still sends once a page that drew its first drawing from
 * its HTML is ready: the focus if it moved meanwhile (the active editor
 * changed), a snapshot only if the graph or its states changed.
 */
export function afterFirstDrawing(drawn: InlinedDrawing, focusNow: string | undefined): { readonly focus?: string; readonly snapshot: boolean } {
  return { ...(focusNow !== undefined && focusNow !== drawn.focus ? { focus: focusNow } : {}), snapshot: drawn.changed };
}
