import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { Problem } from '../problem';

export interface WalkResult {
  /** Absolute paths of the files discovery reads, sorted. */
  readonly files: string[];
  /** Folders holding a dbt_project.yml (absolute). */
  readonly dbtProjects: string[];
  /** pyproject.toml files (absolute, sorted): they name the module Dagster loads the Python files below them from. */
  readonly pyprojects: string[];
  /** Symbolic links that lead out of the project, at the link. */
  readonly problems: Problem[];
}

/** Tests a path relative to the root, `/`-separated; `folder` when it names a folder. */
export type PathFilter = (relPath: string, folder?: boolean) => boolean;

/** Test for excluded paths: the built-in excludes plus the project's. */
export function excludeMatcher(globs: readonly string[]): PathFilter {
  const isMatch = picomatch([...globs], { dot: true });
  // Folders are tested by a path inside them too, so `target/**` prunes `target` itself.
  return (rel, folder) => isMatch(rel) || (folder === true && isMatch(`${rel}/_`));
}

export function toRelative(root: string, file: string): string {
  // Paths the walk joined under the root, by slicing: path.relative resolves both, for every entry.
  if (sep === '/' && file.length > root.length + 1 && file.startsWith(root) && file[root.length] === '/' && !file.includes('/.', root.length)) {
    return file.slice(root.length + 1);
  }
  const rel = relative(root, file);
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** True for the files discovery reads: SQL, Python, dbt project files, pyproject.toml. */
export function isDiscoveryFile(name: string): boolean {
  return name.endsWith('.sql') || name.endsWith('.py') || name === 'dbt_project.yml' || name === PYPROJECT_FILE;
}

export const PYPROJECT_FILE = 'pyproject.toml';

/**
 * Lists the files discovery reads under `root`, pruning excluded folders before
 * entering them. Unreadable folders are skipped: discovery never throws.
 * Symbolic links are followed when they stay inside the root (after the plain
 * walk, so a folder reached both ways is read once, by its own path); a link
 * that leaves the root is reported, a loop is walked once. `onFound` hears of each file the plain
 * walk finds, as it goes.
 */
export async function walkWorkspace(root: string, excluded: PathFilter, onFound?: (file: string) => void): Promise<WalkResult> {
  const files: string[] = [];
  const dbtProjects: string[] = [];
  const pyprojects: string[] = [];
  const problems: Problem[] = [];
  const links: string[] = [];
  const realRoot = await realpath(root).catch(() => root);
  // Real paths of the folders walked, and (once a link is followed) of the files, to read what a link reaches only once.
  const seenDirs = new Set<string>();
  let seenFiles: Set<string> | undefined;
  const visitor: TreeVisitor = {
    folder: (full) => !excluded(toRelative(root, full), true),
    file: (full, name, realDir) => {
      if (!isDiscoveryFile(name) || excluded(toRelative(root, full))) return;
      seenFiles?.add(join(realDir, name));
      if (name === 'dbt_project.yml') dbtProjects.push(dirname(full));
      else if (name === PYPROJECT_FILE) pyprojects.push(full);
      else files.push(full);
      onFound?.(full);
    },
    link: (full) => {
      if (!excluded(toRelative(root, full), true) && !excluded(toRelative(root, full))) links.push(full);
    },
  };
  const visit = (dir: string, realDir: string) => walkTree(dir, visitor, { realDir, seenDirs });
  const followLink = async (link: string): Promise<void> => {
    let real: string;
    let isDir: boolean;
    try {
      real = await realpath(link);
      isDir = (await stat(real)).isDirectory();
    } catch {
      return; // A dangling link: nothing to read.
    }
    if (!isDir && !isDiscoveryFile(basename(link))) return;
    const rel = relative(realRoot, real);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      problems.push(skipped(link, 'warning', 'discovery.link-outside', `Skipped: this link leads outside the project folder (to ${real}); discovery reads only what is inside it.`));
      return;
    }
    // The plain walk crossed no link: a file's real path is its path under the real root.
    seenFiles ??= new Set([...files, ...pyprojects, ...dbtProjects.map((d) => join(d, 'dbt_project.yml'))].map((f) => join(realRoot, relative(root, f))));
    if (isDir) await visit(link, real);
    else if (!seenFiles.has(real)) {
      seenFiles.add(real);
      if (basename(link) === 'dbt_project.yml') dbtProjects.push(dirname(link));
      else if (basename(link) === PYPROJECT_FILE) pyprojects.push(link);
      else files.push(link);
    }
  };
  await visit(root, realRoot);
  // Links found inside linked folders make the next round; each round sorted, so the order never depends on timing.
  for (let round = links.splice(0).sort(); round.length > 0; round = links.splice(0).sort()) {
    for (const link of round) await followLink(link);
  }
  files.sort();
  dbtProjects.sort();
  pyprojects.sort();
  return { files, dbtProjects, pyprojects, problems };
}

function skipped(file: string, severity: Problem['severity'], code: string, message: string): Problem {
  return { file, line: 1, column: 1, severity, code, message };
}

/** What a walk does with each entry; folders it refuses are not walked. */
export interface TreeVisitor {
  folder(path: string, name: string): boolean;
  /** `realDir`: the real path of the folder holding it, when the walk tracks real paths. */
  file(path: string, name: string, realDir: string): void;
  /** Symbolic links (not followed by the walk); skipped without this. */
  link?(path: string, name: string): void;
}

/**
 * Walks the folders under `dir`, concurrently; an unreadable or missing folder is skipped. With
 * `real`, a folder whose real path was walked already (a link loop) is walked once.
 */
export async function walkTree(dir: string, visitor: TreeVisitor, real?: { readonly realDir: string; readonly seenDirs: Set<string> }): Promise<void> {
  if (real) {
    if (real.seenDirs.has(real.realDir)) return;
    real.seenDirs.add(real.realDir);
  }
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const subdirs: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (visitor.folder(full, e.name)) subdirs.push(e.name);
    } else if (e.isFile()) visitor.file(full, e.name, real?.realDir ?? dir);
    else if (e.isSymbolicLink()) visitor.link?.(full, e.name);
  }
  await Promise.all(subdirs.map((name) => walkTree(join(dir, name), visitor, real && { realDir: join(real.realDir, name), seenDirs: real.seenDirs })));
}
