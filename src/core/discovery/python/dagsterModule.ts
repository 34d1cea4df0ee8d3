// The Python module Dagster loads a project from (`dagster ... -m <module>`),
// read from the nearest pyproject.toml: `[tool.dagster] module_name`, or a dg
// project's `[tool.dg.project] root_module` (whose definitions live in
// `<root_module>.definitions`). Cached per folder: thousands of files share a few.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const byFolder = new Map<string, string | null>();

export function dagsterModuleFor(file: string): string | undefined {
  return moduleOfFolder(dirname(file)) ?? undefined;
}

/** Forgets what was read: a pyproject.toml changed (WorkspaceIndex.updateFiles). */
export function clearDagsterModuleCache(): void {
  byFolder.clear();
}

function moduleOfFolder(folder: string): string | null {
  const cached = byFolder.get(folder);
  if (cached !== undefined) return cached;
  let found: string | null;
  const text = readText(join(folder, 'pyproject.toml'));
  if (text !== undefined) {
    found = moduleFromPyproject(text);
  } else {
    const parent = dirname(folder);
    found = parent === folder ? null : moduleOfFolder(parent);
  }
  byFolder.set(folder, found);
  return found;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads the one or two keys needed from the TOML tables, not TOML in general. */
export function moduleFromPyproject(text: string): string | null {
  let table = '';
  let rootModule: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      table = header[1]!.replace(/\s+/g, '');
      continue;
    }
    const entry = /^([A-Za-z_]+)\s*=\s*["']([^"']+)["']/.exec(line);
    if (!entry) continue;
    if (table === 'tool.dagster' && entry[1] === 'module_name') return entry[2]!;
    if (table === 'tool.dg.project' && entry[1] === 'root_module') rootModule = `${entry[2]!}.definitions`;
  }
  return rootModule;
}
