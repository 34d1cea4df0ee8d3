import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import type { Problem, SourceLocation } from '../../problem';

/** A YAML file parsed with positions, for the dbt readers. */
export interface PositionedYaml {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** Syntax errors as problems at their line; the document may still be partly usable. */
  readonly problems: Problem[];
}

export function parseYamlWithPositions(file: string, text: string, code: string): PositionedYaml {
  const lines = new LineCounter();
  const problems: Problem[] = [];
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  } catch (err) {
    // The parser reports errors as data; this is for the unforeseen.
    doc = parseDocument('', { lineCounter: lines });
    problems.push({ file, line: 1, column: 1, severity: 'error', code, message: `Cannot read YAML: ${String(err)}` });
    return { file, doc, lines, problems };
  }
  // An error found at the end of the file (an unclosed bracket) points at the last written line.
  const lastLine = doc.errors.length > 0 ? lines.linePos(text.trimEnd().length).line : 1;
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    problems.push({
      file,
      line: Math.min(pos?.line ?? 1, Math.max(1, lastLine)),
      column: pos?.col ?? 1,
      severity: 'error',
      code,
      message: `Invalid YAML: ${e.message.split('\n')[0]}`,
    });
  }
  return { file, doc, lines, problems };
}

export function locationOf(y: PositionedYaml, node: YamlNode | null | undefined): SourceLocation {
  const range = node?.range;
  if (!range) return { file: y.file, line: 1, column: 1 };
  const start = y.lines.linePos(range[0]);
  const end = y.lines.linePos(range[1]);
  return { file: y.file, line: Math.max(1, start.line), column: Math.max(1, start.col), endLine: end.line, endColumn: end.col };
}

/** The value node under `key` in a map node, or undefined. */
export function child(map: unknown, key: string): YamlNode | undefined {
  if (!isMap(map)) return undefined;
  for (const pair of (map as YAMLMap).items) {
    const k = pair.key;
    if (isScalar(k) ? String(k.value) === key : k === key) return (pair.value ?? undefined) as YamlNode | undefined;
  }
  return undefined;
}

/** The key node of `key` in a map node (to point at `dev:` rather than its value). */
export function keyNode(map: unknown, key: string): YamlNode | undefined {
  if (!isMap(map)) return undefined;
  for (const pair of (map as YAMLMap).items) {
    const k = pair.key;
    if (isScalar(k) && String(k.value) === key) return k;
  }
  return undefined;
}

export function stringOf(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function itemsOf(node: unknown): YamlNode[] {
  return isSeq(node) ? (node.items as YamlNode[]) : [];
}

export function entriesOf(node: unknown): { key: string; keyNode: YamlNode; value: YamlNode | undefined }[] {
  if (!isMap(node)) return [];
  const out: { key: string; keyNode: YamlNode; value: YamlNode | undefined }[] = [];
  for (const pair of (node as YAMLMap).items) {
    if (!isScalar(pair.key)) continue;
    out.push({ key: String(pair.key.value), keyNode: pair.key, value: (pair.value ?? undefined) as YamlNode | undefined });
  }
  return out;
}

/** Plain JS value of a node (for test arguments, meta). */
export function jsOf(node: unknown): unknown {
  if (node === null || node === undefined) return undefined;
  if (isScalar(node) || isMap(node) || isSeq(node)) return (node as { toJSON(): unknown }).toJSON();
  return undefined;
}
