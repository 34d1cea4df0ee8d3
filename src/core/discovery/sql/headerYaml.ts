import { Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';

/**
 * A fast reader for the plain YAML that @asset headers are written in: block
 * mappings and sequences, flow `[…]`/`{…}` on one line, plain and simply
 * quoted scalars, comments. It builds the same nodes (with ranges) as the
 * `yaml` library, at a fraction of its cost — discovery reads thousands of
 * headers on every cold start (§9). Anything outside that subset (anchors,
 * tags, block scalars, escapes, multi-line flows, errors) returns undefined and
 * the caller parses with `yaml` itself, which also reports the errors.
 */
export function parseHeaderYaml(text: string): { contents: Node | null } | undefined {
  try {
    const lines = splitLines(text);
    if (lines === undefined) return undefined;
    if (lines.length === 0) return { contents: null };
    const reader = new BlockReader(text, lines);
    const node = reader.block(lines[0]!.indent);
    return reader.done() ? { contents: node } : undefined;
  } catch (err) {
    if (err === OUTSIDE) return undefined;
    throw err;
  }
}

const OUTSIDE = new Error('outside the fast YAML subset');

function outside(): never {
  throw OUTSIDE;
}

interface Line {
  indent: number;
  /** Offset of the first content character in the text. */
  start: number;
  /** Offset just past the content (comments and trailing spaces removed). */
  end: number;
}

function splitLines(text: string): Line[] | undefined {
  const lines: Line[] = [];
  let at = 0;
  while (at <= text.length) {
    let eol = text.indexOf('\n', at);
    if (eol === -1) eol = text.length;
    let i = at;
    while (i < eol && text.charCodeAt(i) === 32) i++;
    if (text.charCodeAt(i) === 9) return undefined; // tabs: let the real parser judge
    let end = contentEnd(text, i, eol);
    while (end > i && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 13 || text.charCodeAt(end - 1) === 9)) end--;
    if (end > i) lines.push({ indent: i - at, start: i, end });
    at = eol + 1;
  }
  return lines;
}

/** End of a line's content before a `#` comment, skipping `#` inside quotes. */
function contentEnd(text: string, from: number, eol: number): number {
  let quote = 0;
  for (let i = from; i < eol; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      quote = c;
    } else if (c === 35 && (i === from || text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) {
      return i;
    }
  }
  return eol;
}

const KEY = /^([A-Za-z_][\w.\-]*)[ \t]*:(?=[ \t]|$)/;

class BlockReader {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly lines: Line[],
  ) {}

  done(): boolean {
    return this.i >= this.lines.length;
  }

  block(indent: number): Node {
    const line = this.lines[this.i]!;
    if (line.indent !== indent) outside();
    return this.isItem(line) ? this.sequence(indent) : this.mapping(indent);
  }

  private isItem(line: Line): boolean {
    return this.text.charCodeAt(line.start) === 45 && (line.end === line.start + 1 || this.text.charCodeAt(line.start + 1) === 32);
  }

  private mapping(indent: number): YAMLMap {
    const map = new YAMLMap();
    const seen = new Set<string>();
    const first = this.lines[this.i]!.start;
    let last = first;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (line.indent > indent || this.isItem(line)) outside();
      const content = this.text.slice(line.start, line.end);
      const m = KEY.exec(content);
      if (!m) outside();
      const name = m[1]!;
      if (seen.has(name)) outside();
      seen.add(name);
      const key = scalarNode(name, line.start, line.start + name.length);
      this.i++;
      let valueStart = line.start + m[0].length;
      while (valueStart < line.end && (this.text.charCodeAt(valueStart) === 32 || this.text.charCodeAt(valueStart) === 9)) valueStart++;
      let value: Node;
      if (valueStart < line.end) {
        value = inlineValue(this.text, valueStart, line.end);
        if (this.i < this.lines.length && this.lines[this.i]!.indent > indent) outside();
      } else {
        const next = this.lines[this.i];
        if (next && next.indent > indent) value = this.block(next.indent);
        else if (next && next.indent === indent && this.isItem(next)) value = this.sequence(indent);
        else value = scalarNode(null, line.end, line.end);
      }
      last = value.range?.[2] ?? line.end;
      map.items.push(new Pair(key, value));
    }
    map.range = [first, last, last];
    return map;
  }

  private sequence(indent: number): YAMLSeq {
    const seq = new YAMLSeq();
    const first = this.lines[this.i]!.start;
    let last = first;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent || (line.indent === indent && !this.isItem(line))) break;
      if (line.indent > indent) outside();
      let contentStart = line.start + 1;
      while (contentStart < line.end && this.text.charCodeAt(contentStart) === 32) contentStart++;
      let item: Node;
      if (contentStart >= line.end) {
        this.i++;
        const next = this.lines[this.i];
        if (next && next.indent > indent) item = this.block(next.indent);
        else item = scalarNode(null, line.end, line.end);
      } else if (KEY.test(this.text.slice(contentStart, line.end)) || this.text.charCodeAt(contentStart) === 45) {
        // `- key: value` opens a mapping whose keys sit at the column of `key`.
        const column = line.indent + (contentStart - line.start);
        this.lines[this.i] = { indent: column, start: contentStart, end: line.end };
        item = this.block(column);
      } else {
        item = inlineValue(this.text, contentStart, line.end);
        this.i++;
        if (this.i < this.lines.length && this.lines[this.i]!.indent > indent) outside();
      }
      last = item.range?.[2] ?? line.end;
      seq.items.push(item);
    }
    seq.range = [first, last, last];
    return seq;
  }
}

function inlineValue(text: string, start: number, end: number): Node {
  const c = text[start]!;
  if (c === '[' || c === '{') {
    const flow = new FlowReader(text, start, end);
    const node = flow.value();
    flow.skipSpace();
    if (flow.at !== end) outside();
    return node;
  }
  if (c === '"' || c === "'") {
    const [value, after] = quoted(text, start, end);
    if (after !== end) outside();
    return scalarNode(value, start, end);
  }
  if ('&*!|>%@`?:'.includes(c)) outside();
  const raw = text.slice(start, end);
  if (/:(\s|$)/.test(raw) || raw.includes(' #')) outside();
  return scalarNode(plainValue(raw), start, end);
}

class FlowReader {
  constructor(
    private readonly text: string,
    public at: number,
    private readonly end: number,
  ) {}

  skipSpace(): void {
    while (this.at < this.end && (this.text.charCodeAt(this.at) === 32 || this.text.charCodeAt(this.at) === 9)) this.at++;
  }

  value(): Node {
    this.skipSpace();
    const start = this.at;
    const c = this.text[this.at];
    if (c === '[') {
      this.at++;
      const seq = new YAMLSeq();
      seq.flow = true;
      this.skipSpace();
      if (this.text[this.at] === ']') this.at++;
      else {
        for (;;) {
          seq.items.push(this.value());
          this.skipSpace();
          const d = this.text[this.at];
          this.at++;
          if (d === ']') break;
          if (d !== ',') outside();
        }
      }
      seq.range = [start, this.at, this.at];
      return seq;
    }
    if (c === '{') {
      this.at++;
      const map = new YAMLMap();
      map.flow = true;
      const seen = new Set<string>();
      this.skipSpace();
      if (this.text[this.at] === '}') this.at++;
      else {
        for (;;) {
          this.skipSpace();
          const m = KEY.exec(this.text.slice(this.at, this.end));
          if (!m) outside();
          const name = m[1]!;
          if (seen.has(name)) outside();
          seen.add(name);
          const key = scalarNode(name, this.at, this.at + name.length);
          this.at += m[0].length;
          map.items.push(new Pair(key, this.value()));
          this.skipSpace();
          const d = this.text[this.at];
          this.at++;
          if (d === '}') break;
          if (d !== ',') outside();
        }
      }
      map.range = [start, this.at, this.at];
      return map;
    }
    if (c === '"' || c === "'") {
      const [value, after] = quoted(this.text, this.at, this.end);
      this.at = after;
      return scalarNode(value, start, after);
    }
    if (c === undefined || '&*!|>%@`?:,]}'.includes(c)) outside();
    let i = this.at;
    while (i < this.end && !',]}[{'.includes(this.text[i]!)) i++;
    let j = i;
    while (j > start && this.text.charCodeAt(j - 1) === 32) j--;
    const raw = this.text.slice(start, j);
    if (/:(\s|$)/.test(raw) || raw.length === 0) outside();
    this.at = i;
    return scalarNode(plainValue(raw), start, j);
  }
}

/** A quoted scalar without escapes; returns its value and the offset after the closing quote. */
function quoted(text: string, start: number, end: number): [string, number] {
  const q = text[start]!;
  let out = '';
  for (let i = start + 1; i < end; i++) {
    const c = text[i]!;
    if (q === '"' && c === '\\') outside();
    if (c === q) {
      if (q === "'" && text[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      return [out, i + 1];
    }
    out += c;
  }
  return outside();
}

function scalarNode(value: unknown, start: number, end: number): Scalar {
  const s = new Scalar(value);
  s.range = [start, end, end];
  return s;
}

/** Plain scalars resolved as YAML 1.2's core schema does (dates stay text). */
function plainValue(raw: string): unknown {
  switch (raw) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  if (/^[-+]?[0-9]+$/.test(raw)) return Number(raw);
  if (/^0o[0-7]+$/.test(raw)) return parseInt(raw.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(raw)) return parseInt(raw.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(raw)) return parseFloat(raw);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(raw)) return raw.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(raw)) return NaN;
  return raw;
}
