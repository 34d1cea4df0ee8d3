import type { FileDiscovery } from '../asset';
import { loadPythonParser } from './python/pythonParser';
import { readPythonFile } from './python/readPythonFile';
import { resolvePythonWorkspace } from './python/resolvePythonWorkspace';
import type { PythonFileDiscovery } from './python/pythonFileDiscovery';

/**
 * What the workspace index needs from the Python (Dagster) reader: read one
 * file to a per-file result, then resolve all of them together (names imported
 * from one module into another, resources defined in the workspace).
 */
export interface PythonWorkspaceReader {
  read(file: string, text: string): unknown;
  resolve(files: readonly unknown[]): readonly FileDiscovery[];
}

/**
 * The tree-sitter Dagster reader, loaded once. Returns an error text instead of
 * throwing when the grammar cannot load, so SQL and dbt discovery go on.
 */
export async function loadPythonWorkspaceReader(): Promise<{ reader?: PythonWorkspaceReader; error?: string }> {
  try {
    const parser = await loadPythonParser();
    return {
      reader: {
        read: (file, text) => readPythonFile(parser, file, text),
        resolve: (files) => resolvePythonWorkspace(files as readonly PythonFileDiscovery[]),
      },
    };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
