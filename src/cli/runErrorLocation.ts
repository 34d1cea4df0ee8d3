import { relative } from 'node:path';
import type { AssetRunResult } from '../core/engine/engineEvents';

/** Where a run's error is, relative to the root (`assets/trips.sql`, 7), when the run could tell. */
export function runErrorLocation(r: AssetRunResult, root: string): { readonly file: string; readonly line: number } | undefined {
  if (!r.error || !r.location) return undefined;
  return { file: relative(root, r.location.file).split('\\').join('/'), line: r.location.line };
}

/**
 * DuckDB's `LINE n:` counts lines of the statement sent, which the user never sees:
 * it is relabelled with the file's line, and the caret under it moved by as many
 * characters as the label grew or shrank.
 */
export function relabelDuckDbLine(error: string, fileLine: number): string {
  return error.replace(/LINE (\d+):([^\n]*)(\n *\^)?/, (_all, n: string, rest: string, caret: string | undefined) => {
    const label = `LINE ${fileLine}:`;
    const shift = label.length - `LINE ${n}:`.length;
    const movedCaret = caret === undefined ? '' : `\n${' '.repeat(Math.max(0, caret.length - 2 + shift))}^`;
    return `${label}${rest}${movedCaret}`;
  });
}
