import type { Problem, SourceLocation } from '../../problem';
import { LineIndex } from '../textPosition';
import { parseYamlTree, yamlToJs } from '../../yamlTree';
import type { YamlNode } from '../../yamlTree';

/** A YAML file parsed with positions, for the dbt readers. */
export interface PositionedYaml {
  readonly file: string;
  /** The document's contents; null when empty or unreadable. */
  readonly root: YamlNode | null;
  readonly lines: LineIndex;
  /** Syntax errors as problems at their line; the document may still be partly usable. */
  readonly problems: Problem[];
}

export function parseYamlWithPositions(file: string, text: string, code: string): PositionedYaml {
  const lines = new LineIndex(text);
  const tree = parseYamlTree(text, { uniqueKeys: false });
  // An error found at the end of the file (an unclosed bracket) points at the last written line.
  const lastLine = tree.errors.length > 0 ? lines.line(text.trimEnd().length) : 1;
  const problems: Problem[] = tree.errors.map((e) => {
    const pos = lines.position(e.offset);
    return {
      file,
      line: Math.min(pos.line, Math.max(1, lastLine)),
      column: pos.column,
      severity: e.warning ? 'warning' : 'error',
      code,
      message: `Invalid YAML: ${e.message}`,
    };
  });
  return { file, root: tree.root, lines, problems };
}

export function locationOf(y: PositionedYaml, node: YamlNode | null | undefined): SourceLocation {
  if (!node) return { file: y.file, line: 1, column: 1 };
  const start = y.lines.position(node.start);
  const end = y.lines.position(node.end);
  return { file: y.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/** The value node under `key` in a map node, or undefined. */
export function child(map: YamlNode | null | undefined, key: string): YamlNode | undefined {
  if (map?.kind !== 'map') return undefined;
  for (const pair of map.pairs) if (String(pair.key.value) === key) return pair.value ?? undefined;
  return undefined;
}

/** The key node of `key` in a map node (to point at `dev:` rather than its value). */
export function keyNode(map: YamlNode | null | undefined, key: string): YamlNode | undefined {
  if (map?.kind !== 'map') return undefined;
  return map.pairs.find((p) => String(p.key.value) === key)?.key;
}

export function stringOf(node: YamlNode | null | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.value === null) return undefined;
  return String(node.value);
}

export function itemsOf(node: YamlNode | null | undefined): YamlNode[] {
  return node?.kind === 'seq' ? node.items.filter((i): i is YamlNode => i !== null) : [];
}

export function entriesOf(node: YamlNode | null | undefined): { key: string; keyNode: YamlNode; value: YamlNode | undefined }[] {
  if (node?.kind !== 'map') return [];
  return node.pairs.map((p) => ({ key: String(p.key.value), keyNode: p.key, value: p.value ?? undefined }));
}

/** Plain JS value of a node (for test arguments, meta). */
export function jsOf(node: YamlNode | null | undefined): unknown {
  return node ? yamlToJs(node) : undefined;
}
