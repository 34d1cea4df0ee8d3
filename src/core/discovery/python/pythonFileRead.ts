import type { FileDiscovery } from '../../asset';
import { crashProblem } from '../../problem';
import type { PythonWorkspaceReader } from '../pythonWorkspaceReader';
import { readSourceText } from '../sourceText';

// One .py file read from disk and parsed (tree-sitter): plain data in and out, so the same function
// runs on the main thread or in a discovery worker (discoveryWorker.ts, which loads nothing of SQL's).

/** One .py file: gone, skipped before parsing (with its problem), or the reader's per-file result. */
export type PythonFileRead =
  | { readonly file: string; readonly missing: true }
  | { readonly file: string; readonly skipped: FileDiscovery }
  | { readonly file: string; readonly result: unknown };

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
