// A lexical outline of a Python file: its logical lines and how they group into
// top-level statements. Only tokens that decide where a statement ends are read
// (strings, comments, brackets, continuations); what the statements mean is left
// to tree-sitter. This is what lets discovery parse the few lines that matter.

/** One logical line: physical lines joined by brackets, strings or backslashes. */
export interface LogicalLine {
  /** Offset of the first physical line's first character (its indentation included). */
  readonly start: number;
  /** Offset of the first non-blank character. */
  readonly content: number;
  /** Offset just after the terminating newline (or the end of the text). */
  readonly end: number;
  /** 0-based row of the first physical line. */
  readonly row: number;
  /** Number of physical lines. */
  readonly rows: number;
  readonly indent: number;
  /** The last code token is `:`, so a block follows on the next lines. */
  readonly opensBlock: boolean;
}

export type StatementKind = 'import' | 'decorated' | 'def' | 'class' | 'compound' | 'simple';

export interface TopLevelStatement {
  readonly kind: StatementKind;
  readonly lines: readonly LogicalLine[];
}

const COMPOUND = new Set(['for', 'while', 'if', 'with', 'try', 'match']);
const CONTINUATION = new Set(['else', 'elif', 'except', 'finally']);

export function outlinePython(text: string): TopLevelStatement[] {
  const statements: { kind: StatementKind; lines: LogicalLine[] }[] = [];
  let current: { kind: StatementKind; lines: LogicalLine[] } | undefined;
  for (const line of logicalLines(text)) {
    if (line.indent > 0 && current) {
      current.lines.push(line);
      continue;
    }
    const word = firstWord(text, line.content);
    const decoratorsOnly =
      current !== undefined && current.kind === 'decorated' && current.lines.every((l) => text.charCodeAt(l.content) === 64);
    if (current && (decoratorsOnly || (CONTINUATION.has(word) && current.kind === 'compound'))) {
      current.lines.push(line);
      continue;
    }
    current = { kind: kindOf(text, line, word), lines: [line] };
    statements.push(current);
  }
  return statements;
}

function kindOf(text: string, line: LogicalLine, word: string): StatementKind {
  if (text.charCodeAt(line.content) === 64) return 'decorated';
  if (word === 'import' || word === 'from') return 'import';
  if (word === 'def') return 'def';
  if (word === 'class') return 'class';
  if (word === 'async') return firstWord(text, line.content + 5 + countBlanks(text, line.content + 5)) === 'def' ? 'def' : 'compound';
  if (COMPOUND.has(word) && line.opensBlock) return 'compound';
  return 'simple';
}

function countBlanks(text: string, at: number): number {
  let i = at;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  return i - at;
}

export function firstWord(text: string, at: number): string {
  let i = at;
  for (;;) {
    const c = text.charCodeAt(i);
    const wordChar = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
    if (!wordChar) break;
    i++;
  }
  return text.slice(at, i);
}

/** Characters that change the outline: newline, comment, backslash, quotes, brackets (1 = special). */
const SPECIAL = new Uint8Array(128);
for (const c of '\n#\\"\'()[]{}') SPECIAL[c.charCodeAt(0)] = 1;

/** Splits the text into logical lines, skipping blank and comment-only lines. */
export function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const n = text.length;
  let pos = 0;
  let row = 0;
  while (pos < n) {
    let i = pos;
    let indent = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 32) indent++;
      else if (c === 9) indent += 8 - (indent % 8);
      else if (c !== 12) break;
    }
    if (i >= n) break;
    const first = text.charCodeAt(i);
    if (first === 10 || first === 13 || first === 35) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      pos = nl + 1;
      row++;
      continue;
    }
    const content = i;
    const startRow = row;
    let depth = 0;
    let commentAt = -1;
    let terminated = false;
    // A tight skip over ordinary characters, then one branch per character that matters.
    while (i < n) {
      let c = text.charCodeAt(i);
      while (c >= 128 || SPECIAL[c] === 0) {
        if (++i >= n) break;
        c = text.charCodeAt(i);
      }
      if (i >= n) break;
      if (c === 10) {
        row++;
        i++;
        if (depth === 0) {
          terminated = true;
          break;
        }
        commentAt = -1;
      } else if (c === 35) {
        commentAt = i;
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? n : nl;
      } else if (c === 92) {
        const next = text.charCodeAt(i + 1);
        const skip = next === 10 ? 2 : next === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 1;
        if (skip > 1) row++;
        i += skip;
      } else if (c === 34 || c === 39) {
        const end = skipString(text, i, c);
        for (let k = text.indexOf('\n', i); k >= 0 && k < end; k = text.indexOf('\n', k + 1)) row++;
        i = end;
      } else {
        if (c === 40 || c === 91 || c === 123) depth++;
        else if (depth > 0) depth--;
        i++;
      }
    }
    // The last code character: before the newline (and before a comment), blanks skipped.
    let last = (commentAt >= 0 ? commentAt : terminated ? i - 1 : n) - 1;
    while (last >= content) {
      const c = text.charCodeAt(last);
      if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 10) break;
      last--;
    }
    out.push({
      start: pos,
      content,
      end: i,
      row: startRow,
      rows: row - startRow + (terminated || text.charCodeAt(i - 1) === 10 ? 0 : 1),
      indent,
      opensBlock: last >= content && text.charCodeAt(last) === 58,
    });
    pos = i;
  }
  return out;
}

/** Index just after the string literal starting at `at` (unterminated: the line's end or the text's end). */
function skipString(text: string, at: number, quote: number): number {
  const n = text.length;
  if (text.charCodeAt(at + 1) === quote && text.charCodeAt(at + 2) === quote) {
    const closing = String.fromCharCode(quote, quote, quote);
    let from = at + 3;
    for (;;) {
      const k = text.indexOf(closing, from);
      if (k < 0) return n;
      let backslashes = 0;
      while (text.charCodeAt(k - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) return k + 3;
      from = k + 1;
    }
  }
  let j = at + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      j += text.charCodeAt(j + 1) === 13 && text.charCodeAt(j + 2) === 10 ? 3 : 2;
    } else if (c === quote) {
      return j + 1;
    } else if (c === 10) {
      return j;
    } else {
      j++;
    }
  }
  return n;
}
