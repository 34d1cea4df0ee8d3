/**
 * Which editor group a definition opened from the lineage panel goes to:
 * never the panel's own group (it would cover the graph), and a group that
 * already shows the file before any other (no second tab of the same file).
 * Plain numbers, no vscode import, so the rule is unit-tested.
 */
export interface EditorGroupFacts {
  /** VS Code's ViewColumn of the group (1-based). */
  readonly column: number;
  /** URIs (as strings) of the text files open in the group. */
  readonly files: readonly string[];
  /** The group's active tab is this file. */
  readonly activeFile?: string;
}

/** A column number, or 'beside' (a new group next to the panel) when the panel is the only group. */
export type DefinitionColumn = number | 'beside';

export function definitionColumn(groups: readonly EditorGroupFacts[], panelColumn: number | undefined, file: string): DefinitionColumn {
  const others = groups.filter((g) => g.column !== panelColumn);
  const showing = others.find((g) => g.activeFile === file) ?? others.find((g) => g.files.includes(file));
  if (showing) return showing.column;
  if (others.length === 0) return 'beside';
  // The nearest group left of the panel (where the editor usually is), else the nearest to its right.
  const left = others.filter((g) => panelColumn === undefined || g.column < panelColumn).sort((a, b) => b.column - a.column)[0];
  if (left) return left.column;
  return [...others].sort((a, b) => a.column - b.column)[0]!.column;
}
