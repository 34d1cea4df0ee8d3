// Element helpers the data panel's parts build their markup with.

/** A new element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A codicon (the icon font VS Code ships; its CSS comes with the page). */
export function codicon(name: string): HTMLElement {
  return el('span', `codicon codicon-${name}`);
}
