/** One selection term (docs/cli.md#selections). */
export type Selection =
  | { readonly kind: 'all' }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'asset'; readonly text: string; readonly upstream: boolean; readonly downstream: boolean };

/** Parses `KEY`, `relation`, `+KEY`, `KEY+`, `+KEY+`, `group:NAME`, `*`; several separated by spaces or commas. */
export function parseSelection(text: string): Selection[] {
  const out: Selection[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    const term = raw.trim();
    if (term === '') continue;
    if (term === '*') {
      out.push({ kind: 'all' });
      continue;
    }
    if (term.startsWith('group:')) {
      out.push({ kind: 'group', group: term.slice('group:'.length) });
      continue;
    }
    const upstream = term.startsWith('+');
    const downstream = term.endsWith('+') && term.length > 1;
    const key = term.slice(upstream ? 1 : 0, downstream ? -1 : undefined);
    out.push({ kind: 'asset', text: key, upstream, downstream });
  }
  return out;
}

export function selectionToString(s: Selection): string {
  if (s.kind === 'all') return '*';
  if (s.kind === 'group') return `group:${s.group}`;
  return `${s.upstream ? '+' : ''}${s.text}${s.downstream ? '+' : ''}`;
}
