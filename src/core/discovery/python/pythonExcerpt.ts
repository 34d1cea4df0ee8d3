// The part of a Python file that can hold Dagster definitions, as whole lines,
// so tree-sitter parses a tenth of the text: imports, decorators with the
// `def` line and docstring, class headers, and the module-level statements that
// name Dagster things. Function bodies are replaced by `...`: they define no
// assets (a body that nests decorators or specs, a factory, is kept whole so the
// reader can say it is not shown). Lines keep their columns; `rows` maps each
// excerpt row back to the file's row.
import type { LogicalLine, TopLevelStatement } from './pythonOutline';
import { outlinePython } from './pythonOutline';

export interface PythonExcerpt {
  readonly text: string;
  /** Excerpt row → 0-based row in the file. */
  readonly rows: readonly number[];
  /** Excerpt row of a kept statement's first line → its extent in the file (for hashing definitions). */
  readonly statements: ReadonlyMap<number, { readonly start: number; readonly end: number }>;
  /** Excerpt row of a function body's `...` → the docstring it stands for, as written (not parsed: it is one token). */
  readonly docstrings: ReadonlyMap<number, string>;
}

/** Substrings that make a module-level statement worth parsing (besides the file's Dagster import aliases). */
const MENTIONS = ['dagster', 'sset', 'Spec', 'chedule', 'job', 'Job', 'Definitions', 'Key', 'Selection'];
/** Module-level one-liners this short are kept anyway: they may be constants a decorator refers to. */
const SHORT_STATEMENT = 160;

export function excerptPython(text: string): PythonExcerpt {
  const pieces: string[] = [];
  const rows: number[] = [];
  const statements = new Map<number, { start: number; end: number }>();
  const docstrings = new Map<number, string>();
  const mentions = [...MENTIONS];

  const keep = (line: LogicalLine): void => {
    let chunk = text.slice(line.start, line.end);
    if (chunk.length === 0 || chunk.charCodeAt(chunk.length - 1) !== 10) chunk += '\n';
    pieces.push(chunk);
    for (let r = 0; r < line.rows; r++) rows.push(line.row + r);
  };
  const placeholder = (line: LogicalLine): void => {
    pieces.push(' '.repeat(Math.max(1, line.indent)) + '...\n');
    rows.push(line.row);
  };
  const keepAll = (s: TopLevelStatement): void => {
    statements.set(rows.length, extent(s));
    for (const line of s.lines) keep(line);
  };
  const mentionsDagster = (s: TopLevelStatement): boolean => {
    const { start, end } = extent(s);
    const body = text.slice(start, end);
    return mentions.some((m) => body.includes(m));
  };

  for (const s of outlinePython(text)) {
    switch (s.kind) {
      case 'import': {
        // Only Dagster's imports bind names the reader resolves.
        const { start, end } = extent(s);
        const statement = text.slice(start, end);
        if (!statement.includes('dagster')) break;
        keepAll(s);
        addAliases(statement, mentions);
        break;
      }
      case 'decorated':
      case 'class': {
        const headerAt = s.lines.findIndex((l) => text.charCodeAt(l.content) !== 64);
        if (headerAt < 0) {
          keepAll(s);
          break;
        }
        const header = s.lines[headerAt]!;
        const isClass = text.startsWith('class', header.content);
        if (s.kind === 'class' && text.indexOf('(', header.content) >= header.end) break; // no bases: not a resource
        statements.set(rows.length, extent(s));
        for (let i = 0; i <= headerAt; i++) keep(s.lines[i]!);
        const body = s.lines[headerAt + 1];
        if (!header.opensBlock || !body) break;
        if (!isClass && startsWithString(text, body.content)) docstrings.set(rows.length, text.slice(body.content, body.end).trim());
        placeholder(body);
        break;
      }
      case 'def': {
        // A function that nests decorated definitions or specs builds assets: kept so the reader can say so.
        const nests = s.lines.some((l, i) => i > 0 && text.charCodeAt(l.content) === 64);
        const { start, end } = extent(s);
        if (nests || text.slice(start, end).includes('Spec(')) keepAll(s);
        break;
      }
      case 'compound': {
        if (mentionsDagster(s) || s.lines.some((l) => text.charCodeAt(l.content) === 64)) keepAll(s);
        break;
      }
      case 'simple': {
        if (startsWithString(text, s.lines[0]!.content)) break; // a module docstring
        const { start, end } = extent(s);
        if (end - start <= SHORT_STATEMENT || mentionsDagster(s)) keepAll(s);
        break;
      }
    }
  }
  return { text: pieces.join(''), rows, statements, docstrings };
}

function extent(s: TopLevelStatement): { start: number; end: number } {
  return { start: s.lines[0]!.start, end: s.lines[s.lines.length - 1]!.end };
}

/** A docstring starts the body: a quote, maybe after a prefix such as r or u. */
function startsWithString(text: string, at: number): boolean {
  for (let i = at; i < at + 3; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39) return true;
    if (!'rRuUbBfF'.includes(text[i] ?? ' ')) return false;
  }
  return false;
}

/** `import dagster as dg`, `from dagster import asset as a`: the local names, so statements using them are kept. */
function addAliases(importText: string, mentions: string[]): void {
  if (!importText.includes('dagster')) return;
  if (!mentions.includes('dagster')) mentions.push('dagster');
  if (!/\bas\b/.test(importText)) return;
  const words = importText.split(/[^A-Za-z0-9_]+/);
  for (let i = 0; i + 1 < words.length; i++) {
    const alias = words[i + 1]!;
    if (words[i] === 'as' && alias && !mentions.includes(alias)) mentions.push(alias);
  }
}
