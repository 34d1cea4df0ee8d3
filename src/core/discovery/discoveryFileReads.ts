import type { FileDiscovery } from '../asset';
import type { Problem } from '../problem';
import { readSourceText } from './sourceText';
import type { PythonWorkspaceReader } from './pythonWorkspaceReader';
import { readSqlHeader } from './sql/sqlHeaderRead';
import type { SqlHeaderResult, SqlReadContext } from './sql/sqlHeaderRead';

// The per-file half of discovery — read from disk, then parse SQL headers (YAML) or Python
// (tree-sitter). Plain data in and out, so the same functions run on the main thread or in a
// worker (discoveryWorker.ts) and give the same results.

/** One .sql file: gone, or what its header gave (a discovery or a header still to complete). */
export type SqlFileRead = { readonly file: string; readonly missing: true } | { readonly file: string; readonly read: SqlHeaderResult };

/** One .py file: gone, skipped before parsing (with its problem), or the reader's per-file result. */
export type PythonFileRead =
  | { readonly file: string; readonly missing: true }
  | { readonly file: string; readonly skipped: FileDiscovery }
  | { readonly file: string; readonly result: unknown };

export function readSqlSourceFile(file: string, context: SqlReadContext): SqlFileRead {
  const source = readSourceText(file);
  if (source.missing) return { file, missing: true };
  if (source.problem) return { file, read: { file, assets: [], problems: [source.problem] } };
  return { file, read: readSqlHeader(file, source.text!, context) };
}

export function readPythonSourceFile(reader: PythonWorkspaceReader, file: string): PythonFileRead {
  const source = readSourceText(file);
  if (source.missing) return { file, missing: true };
  if (source.problem) return { file, skipped: { file, assets: [], problems: [source.problem] } };
  try {
    return { file, result: reader.read(file, source.text!) };
  } catch (err) {
    return { file, skipped: { file, assets: [], problems: [crashProblem(file, 'python.internal', err)] } };
  }
}

export function crashProblem(file: string, code: string, err: unknown): Problem {
  return {
    file,
    line: 1,
    column: 1,
    severity: 'error',
    code,
    message: `Asset Studio could not read this (please report it): ${err instanceof Error ? err.message : String(err)}`,
  };
}
