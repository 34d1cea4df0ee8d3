import type { AssetDefinition, FileDiscovery } from '../asset';
import { keyToString } from '../assetKey';
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
  /**
   * When `after` exports what `before` did (the same bindings, classes, jobs, keys and
   * dependencies), the other files' results cannot change: returns `after` resolved against
   * the others alone — a save costs one file, not the workspace. Else undefined.
   */
  resolveOne?(before: unknown, after: unknown, others: readonly unknown[]): FileDiscovery | undefined;
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
        resolveOne: (before, after, others) =>
          resolveOne(before as PythonFileDiscovery, after as PythonFileDiscovery, others as readonly PythonFileDiscovery[]),
      },
    };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function resolveOne(
  before: PythonFileDiscovery,
  after: PythonFileDiscovery,
  others: readonly PythonFileDiscovery[],
): FileDiscovery | undefined {
  if (exportsOf(before) !== exportsOf(after)) return undefined;
  let context = contexts.get(others);
  if (!context) {
    context = contextOf(others);
    contexts.set(others, context);
  }
  // Of the others' assets only those that materialize one of this file's external specs matter
  // (the pass drops such specs); job and schedule marks are read for this file's keys only.
  const materialized = after.assets.flatMap((a) =>
    a.dagster?.external ? (context.materializable.get(keyToString(a.key)) ?? []) : [],
  );
  return resolvePythonWorkspace([{ ...context.file, assets: materialized }, after])[1];
}

interface PythonContext {
  readonly file: PythonFileDiscovery;
  readonly materializable: ReadonlyMap<string, AssetDefinition[]>;
}

// Saves of one file in a row pass the same `others` list: its stand-in is built once.
const contexts = new WeakMap<readonly PythonFileDiscovery[], PythonContext>();

/** Everything the workspace pass reads from the other files, folded into one stand-in file. */
function contextOf(others: readonly PythonFileDiscovery[]): PythonContext {
  const materializable = new Map<string, AssetDefinition[]>();
  for (const f of others) {
    for (const a of f.assets) {
      if (a.dagster?.external) continue;
      const k = keyToString(a.key);
      materializable.set(k, [...(materializable.get(k) ?? []), { ...a, deps: [] }]);
    }
  }
  return {
    materializable,
    file: {
      file: '\u0000context',
      assets: [],
      problems: [],
      python: {
        classes: others.flatMap((f) => f.python.classes),
        bindings: others.flatMap((f) => f.python.bindings),
        nameRefs: [],
        checkRefs: [],
        annotatedParameters: [],
        jobs: others.flatMap((f) => f.python.jobs),
        schedules: others.flatMap((f) => f.python.schedules),
      },
    },
  };
}

/** What one Python file gives the others, positions left out (an edit moves them). */
function exportsOf(f: PythonFileDiscovery): string {
  const selection = (s: PythonFileDiscovery['python']['jobs'][number]['selection'] | undefined) => s ?? null;
  return JSON.stringify([
    f.assets.map((a) => [a.key, a.group ?? null, a.dagster?.external === true, a.deps.map((d) => [d.origin, d.key])]),
    (f.detachedChecks ?? []).map((c) => c.asset),
    f.python.classes,
    f.python.bindings,
    f.python.nameRefs,
    f.python.checkRefs,
    f.python.annotatedParameters,
    f.python.jobs.map((j) => [j.name, j.variable ?? null, selection(j.selection)]),
    f.python.schedules.map((j) => [j.name, j.job ?? null, selection(j.selection)]),
    f.unseen ?? [],
  ]);
}
