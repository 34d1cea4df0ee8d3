import type { FileDiscovery } from '../asset';

/**
 * What the workspace index needs from the Python (Dagster) reader: read one
 * file to an opaque per-file result, then resolve all of them together (names
 * imported from one module into another, resources defined in the workspace).
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
  // TODO(issue 3): wire src/core/discovery/python (readPythonFile, resolvePythonWorkspace) once it lands.
  return {};
}
