/** One selection term (docs/cli.md#selections). */
export type Selection =
  | { readonly kind: 'all' }
  | { readonly kind: 'group'; readonly group: string }
  | {
      readonly kind: 'asset';
      readonly text: string;
      readonly upstream: boolean;
      readonly downstream: boolean;
      /** The key's parts, when the term quoted any: then it names exactly that key. */
      readonly parts?: readonly string[];
    };

/**
 * Parses `KEY`, `relation`, `+KEY`, `KEY+`, `+KEY+`, `group:NAME`, `*`; several
 * separated by spaces or commas. Double quotes make text literal, so that every
 * key can be selected: `"taxi trips"`, `raw/"a, b"`, `"raw.trips"` (one part with
 * a dot, not schema.table), `group:"my group"`; `""` inside quotes is one `"`.
 * A term with quotes names a key exactly, its parts split on `/` outside quotes.
 */
export function parseSelection(text: string): Selection[] {
  const out: Selection[] = [];
  for (const term of splitTerms(text)) {
    const plain = term.map((s) => s.text).join('');
    const quoted = term.some((s) => s.quoted);
    if (!quoted && plain === '*') {
      out.push({ kind: 'all' });
      continue;
    }
    if (term[0] && !term[0].quoted && term[0].text.startsWith('group:')) {
      out.push({ kind: 'group', group: plain.slice('group:'.length) });
      continue;
    }
    const first = term[0]!;
    const last = term[term.length - 1]!;
    const upstream = !first.quoted && first.text.startsWith('+');
    const downstream = !last.quoted && last.text.endsWith('+') && plain.length > 1;
    const spans = term.map((s, i) => {
      let t = s.text;
      if (!s.quoted && i === 0 && upstream) t = t.slice(1);
      if (!s.quoted && i === term.length - 1 && downstream) t = t.slice(0, -1);
      return { text: t, quoted: s.quoted };
    });
    const key = spans.map((s) => s.text).join('');
    out.push(quoted ? { kind: 'asset', text: key, upstream, downstream, parts: keyParts(spans) } : { kind: 'asset', text: key, upstream, downstream });
  }
  return out;
}

interface Span {
  readonly text: string;
  readonly quoted: boolean;
}

/** Terms as runs of plain and quoted text; whitespace and commas outside quotes separate them. */
function splitTerms(text: string): Span[][] {
  const terms: Span[][] = [];
  let term: Span[] = [];
  let plain = '';
  const endPlain = () => {
    if (plain) term.push({ text: plain, quoted: false });
    plain = '';
  };
  const endTerm = () => {
    endPlain();
    if (term.length > 0) terms.push(term);
    term = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      endPlain();
      let inner = '';
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] !== '"') inner += text[j];
        else if (text[j + 1] === '"') inner += text[++j];
        else break;
      }
      term.push({ text: inner, quoted: true });
      i = j;
    } else if (/[\s,]/.test(ch)) endTerm();
    else plain += ch;
  }
  endTerm();
  return terms;
}

/** `/` outside quotes separates key parts; quoted text stays whole. */
function keyParts(spans: readonly Span[]): string[] {
  const parts: string[] = [''];
  for (const s of spans) {
    if (s.quoted) {
      parts[parts.length - 1] += s.text;
      continue;
    }
    const pieces = s.text.split('/');
    parts[parts.length - 1] += pieces[0];
    for (const p of pieces.slice(1)) parts.push(p);
  }
  return parts;
}

/** The selection text naming `key` exactly, quoted where its parts need it (for callers that build selections). */
export function selectionForKey(key: readonly string[] | string): string {
  const parts = typeof key === 'string' ? key.split('/') : key;
  return parts.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : `"${p.replace(/"/g, '""')}"`)).join('/');
}

export function selectionToString(s: Selection): string {
  if (s.kind === 'all') return '*';
  if (s.kind === 'group') return `group:${s.group}`;
  const text = s.parts ? selectionForKey(s.parts) : s.text;
  return `${s.upstream ? '+' : ''}${text}${s.downstream ? '+' : ''}`;
}
