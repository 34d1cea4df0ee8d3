import { LineIndex } from '../textPosition';
/**
 * Finds `ref(...)`, `source(...)` and `config(...)` calls inside the Jinja
 * blocks (`{{ … }}`, `{% … %}`) of a dbt file, with their exact positions.
 * Jinja comments (`{# … #}`) are skipped. A call whose arguments are not
 * literals is reported as dynamic rather than guessed.
 */

export type JinjaLiteral = string | number | boolean | null | readonly JinjaLiteral[] | { readonly [k: string]: JinjaLiteral };

export interface JinjaCall {
  readonly name: string;
  /** Positional arguments; `undefined` where an argument is not a literal. */
  readonly args: readonly (JinjaLiteral | undefined)[];
  readonly kwargs: Readonly<Record<string, JinjaLiteral | undefined>>;
  /** True when some argument is not a literal (a variable, a call). */
  readonly dynamic: boolean;
  /** Its `(` is closed by another bracket or not at all (`{{ ref('m' }}`): Jinja cannot render it. */
  readonly unclosed?: boolean;
  /** 1-based position of the function name, and of the character after `)`. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface JinjaBlock {
  /** `{{` expression or `{%` statement. */
  readonly kind: 'expression' | 'statement';
  /** Offset of the first character inside the delimiters. */
  readonly start: number;
  readonly end: number;
}

interface Token {
  readonly type: 'ident' | 'string' | 'number' | 'punct';
  readonly text: string;
  readonly value?: string | number;
  readonly offset: number;
}

const WANTED = new Set(['ref', 'source', 'config']);

/** Skips a quoted string starting at `i` (the quote); returns the index after the closing quote. */
function skipString(text: string, i: number): number {
  const quote = text[i];
  let j = i + 1;
  while (j < text.length && text[j] !== quote) {
    if (text[j] === '\\') j++;
    j++;
  }
  return Math.min(j + 1, text.length);
}

/** The `{{ … }}` and `{% … %}` blocks of a file, comments skipped. Unclosed blocks run to the end. */
export function jinjaBlocks(text: string): JinjaBlock[] {
  const blocks: JinjaBlock[] = [];
  let i = text.indexOf('{');
  while (i >= 0 && i < text.length - 1) {
    const next = text[i + 1];
    if (next === '#') {
      const close = text.indexOf('#}', i + 2);
      if (close < 0) break;
      i = text.indexOf('{', close + 2);
      continue;
    }
    if (next !== '{' && next !== '%') {
      i = text.indexOf('{', i + 1);
      continue;
    }
    const closer = next === '{' ? '}}' : '%}';
    let j = i + 2;
    let end = text.length;
    // Like Jinja's lexer, brackets are balanced: `{{ {'a': {'b': 1}} }}` ends at the last `}}`.
    let depth = 0;
    let firstCloser = -1;
    while (j < text.length) {
      const c = text[j];
      if (c === "'" || c === '"') {
        j = skipString(text, j);
        continue;
      }
      if (c === closer[0] && text[j + 1] === closer[1]) {
        if (firstCloser < 0) firstCloser = j;
        if (depth === 0) {
          end = j;
          break;
        }
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      j++;
    }
    // Unbalanced brackets (a typo): end at the first closer rather than swallow the file.
    if (end === text.length && firstCloser >= 0) end = firstCloser;
    blocks.push({ kind: next === '{' ? 'expression' : 'statement', start: i + 2, end });
    i = end >= text.length ? -1 : text.indexOf('{', end + 2);
  }
  return blocks;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function tokenize(text: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const code = text.charCodeAt(i);
    // whitespace, and the `-` of `{{-` / `-}}` whitespace control
    if (code === 32 || code === 9 || code === 10 || code === 13 || (code === 45 && (i === start || i === end - 1))) {
      i++;
      continue;
    }
    if (isIdentStart(code)) {
      let j = i + 1;
      while (j < end) {
        const d = text.charCodeAt(j);
        if (!isIdentStart(d) && !isDigit(d)) break;
        j++;
      }
      tokens.push({ type: 'ident', text: text.slice(i, j), offset: i });
      i = j;
      continue;
    }
    if (code === 39 || code === 34) {
      const j = Math.min(skipString(text, i), end);
      const raw = text.slice(i + 1, j - 1);
      tokens.push({ type: 'string', text: text.slice(i, j), value: raw.includes('\\') ? raw.replace(/\\(.)/g, '$1') : raw, offset: i });
      i = j;
      continue;
    }
    if (isDigit(code)) {
      let j = i + 1;
      while (j < end && (isDigit(text.charCodeAt(j)) || text[j] === '.' || text[j] === '_')) j++;
      const raw = text.slice(i, j);
      tokens.push({ type: 'number', text: raw, value: Number(raw.replace(/_/g, '')), offset: i });
      i = j;
      continue;
    }
    tokens.push({ type: 'punct', text: text[i], offset: i });
    i++;
  }
  return tokens;
}

const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Reads one literal from tokens[from, to); undefined when it is not a plain literal. */
function literal(tokens: Token[], from: number, to: number): JinjaLiteral | undefined {
  if (to - from === 1) {
    const t = tokens[from];
    if (t.type === 'string' || t.type === 'number') return t.value as string | number;
    if (t.type === 'ident') {
      const lower = t.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'none') return null;
    }
    return undefined;
  }
  if (to - from >= 2 && tokens[from].type === 'punct' && (tokens[from].text === '[' || tokens[from].text === '(' || tokens[from].text === '{')) {
    const open = tokens[from].text;
    if (tokens[to - 1].text !== CLOSING[open]) return undefined;
    const parts = splitArgs(tokens, from + 1, to - 1);
    if (open === '{') {
      const obj: Record<string, JinjaLiteral> = {};
      for (const [a, b] of parts) {
        let colon = -1;
        for (let k = a; k < b; k++) if (tokens[k].text === ':' && tokens[k].type === 'punct') { colon = k; break; }
        if (colon < 0) return undefined;
        const key = literal(tokens, a, colon);
        const value = literal(tokens, colon + 1, b);
        if (typeof key !== 'string' || value === undefined) return undefined;
        obj[key] = value;
      }
      return obj;
    }
    const items: JinjaLiteral[] = [];
    for (const [a, b] of parts) {
      const v = literal(tokens, a, b);
      if (v === undefined) return undefined;
      items.push(v);
    }
    return items;
  }
  return undefined;
}

/** Splits tokens[from, to) on top-level commas. */
function splitArgs(tokens: Token[], from: number, to: number): [number, number][] {
  const parts: [number, number][] = [];
  let depth = 0;
  let start = from;
  for (let k = from; k < to; k++) {
    const t = tokens[k];
    if (t.type !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    else if (t.text === ',' && depth === 0) {
      if (k > start) parts.push([start, k]);
      start = k + 1;
    }
  }
  if (to > start) parts.push([start, to]);
  return parts;
}

/** Every ref/source/config call in the file, in order. */
export function findJinjaCalls(text: string, lines: LineIndex = new LineIndex(text)): JinjaCall[] {
  const calls: JinjaCall[] = [];
  for (const block of jinjaBlocks(text)) {
    const body = text.slice(block.start, block.end);
    if (!body.includes('ref') && !body.includes('source') && !body.includes('config')) continue;
    const tokens = tokenize(text, block.start, block.end);
    for (let k = 0; k < tokens.length - 1; k++) {
      const t = tokens[k];
      if (t.type !== 'ident' || !WANTED.has(t.text) || tokens[k + 1].text !== '(') continue;
      // `obj.ref(` is some other object's method; `builtins.ref(` is dbt's own.
      const prev = tokens[k - 1];
      if (prev && prev.text === '.' && tokens[k - 2]?.text !== 'builtins') continue;
      let depth = 0;
      let close = -1;
      for (let m = k + 1; m < tokens.length; m++) {
        const p = tokens[m];
        if (p.type !== 'punct') continue;
        if (p.text === '(' || p.text === '[' || p.text === '{') depth++;
        else if (p.text === ')' || p.text === ']' || p.text === '}') {
          depth--;
          if (depth === 0) {
            close = m;
            break;
          }
        }
      }
      const args: (JinjaLiteral | undefined)[] = [];
      const kwargs: Record<string, JinjaLiteral | undefined> = {};
      const unclosed = close < 0 || tokens[close]!.text !== ')';
      let dynamic = close < 0;
      if (close >= 0) {
        for (const [a, b] of splitArgs(tokens, k + 2, close)) {
          if (b - a >= 2 && tokens[a].type === 'ident' && tokens[a + 1].text === '=' && tokens[a + 2]?.text !== '=') {
            const v = literal(tokens, a + 2, b);
            if (v === undefined) dynamic = true;
            kwargs[tokens[a].text] = v;
          } else {
            const v = literal(tokens, a, b);
            if (v === undefined) dynamic = true;
            args.push(v);
          }
        }
      }
      const startPos = lines.position(t.offset);
      const endOffset = close >= 0 ? tokens[close].offset + 1 : block.end;
      const endPos = lines.position(endOffset);
      calls.push({
        name: t.text,
        args,
        kwargs,
        dynamic,
        ...(unclosed ? { unclosed } : {}),
        line: startPos.line,
        column: startPos.column,
        endLine: endPos.line,
        endColumn: endPos.column,
      });
    }
  }
  return calls;
}

/** `{% snapshot name %}` blocks: name and the offset of the block. */
export function findSnapshotBlocks(text: string): { name: string; offset: number }[] {
  const found: { name: string; offset: number }[] = [];
  for (const block of jinjaBlocks(text)) {
    if (block.kind !== 'statement') continue;
    const tokens = tokenize(text, block.start, block.end);
    if (tokens[0]?.text === 'snapshot' && tokens[1]?.type === 'ident') {
      found.push({ name: tokens[1].text, offset: block.start - 2 });
    }
  }
  return found;
}
