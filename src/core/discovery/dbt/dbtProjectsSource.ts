import { basename, dirname, join, sep } from 'node:path';
import type { FileDiscovery } from '../../asset';
import type { FileChange } from '../../graph/patchAssetGraph';
import type { DiscoveryCache } from '../discoveryCache';
import { crashProblem } from '../../problem';
import type { DiscoverySource, SourceFiles, SourceUpdate } from '../discoverySource';
import { dbtFilesPatchedBy, rereadDbtFiles } from './dbtIncremental';
import { discoverDbtProject } from './dbtProject';
import type { DbtProjectDiscovery } from './dbtProject';
import { DBT_PROJECT_FILE } from './dbtProjectFile';
import { DbtReadState } from './dbtReadState';
import type { DbtFileFacts, ParsedDbtSchemaFile } from './dbtReadState';

/**
 * The workspace's dbt projects, each read whole on a cold start. A saved file the project had
 * re-reads that file alone and patches the graph where the project's keys and sources held.
 */
export class DbtProjectsSource implements DiscoverySource {
  /** By project folder (the one holding dbt_project.yml). */
  private readonly projects = new Map<string, DbtProjectDiscovery>();
  /** What dbt discovery keeps between reads of this workspace's projects (texts, YAML parses). */
  private readonly state = new DbtReadState();

  /** Forgets every project and takes these folders (from a walk) as the projects, not read yet. */
  reset(projectDirs: readonly string[]): void {
    this.projects.clear();
    for (const dir of projectDirs) this.projects.set(dir, { projectDir: dir, projectName: basename(dir), discoveries: [], files: [], problems: [] });
  }

  /** A project read from `dir` (the folder holding its dbt_project.yml). */
  hasProject(dir: string): boolean {
    return this.projects.has(dir);
  }

  /** True for a dbt_project.yml and for any file inside a known project: the project reads it, not the SQL or Python source. */
  claims(file: string): boolean {
    return basename(file) === DBT_PROJECT_FILE || this.projectOf(file) !== undefined;
  }

  /** Reads every project given to reset(); `cache` lends and keeps the properties YAML parses. */
  async readAll(cache?: DiscoveryCache): Promise<void> {
    const dirs = [...this.projects.keys()];
    this.state.rememberSchemaFiles((cache?.checkedEntries('dbtYaml') ?? []) as [string, ParsedDbtSchemaFile][]);
    this.state.rememberFileFacts((cache?.checkedEntries('dbtFacts') ?? []) as [string, DbtFileFacts][]);
    await Promise.all(dirs.map((dir) => this.read(dir)));
    if (!cache) return;
    for (const dir of dirs) {
      const read = new Set(this.projects.get(dir)?.files);
      for (const [file, parsed] of this.state.parsedSchemaFiles(dir)) if (read.has(file)) cache.setChecked('dbtYaml', file, parsed);
      for (const [file, facts] of this.state.fileFactsUnder(dir)) if (read.has(file)) cache.setChecked('dbtFacts', file, facts);
    }
  }

  /**
   * Saved files a project already had re-read those files alone (and patch the graph as for SQL,
   * see changedFiles); a saved dbt_project.yml, or a file added or deleted, re-reads the project whole.
   */
  async applyChanges({ changed, deleted }: SourceFiles): Promise<SourceUpdate> {
    const gone = new Set(deleted);
    /** Per project, the files saved in it, unless it must be read whole. */
    const saved = new Map<string, string[] | undefined>();
    for (const file of [...changed, ...deleted]) {
      // A project's own dbt_project.yml, saved (the index reloads everything when one appears or goes).
      if (basename(file) === DBT_PROJECT_FILE) {
        saved.set(dirname(file), undefined);
        continue;
      }
      const dir = this.projectOf(file);
      if (!dir) continue;
      const known = !gone.has(file) && this.projects.get(dir)?.source?.texts.has(file) === true;
      const before = saved.has(dir) ? saved.get(dir) : [];
      saved.set(dir, known && before ? [...before, file] : undefined);
    }
    const previous = new Map([...saved.keys()].map((dir) => [dir, this.projects.get(dir)]));
    await Promise.all([...saved].map(([dir, files]) => this.update(dir, files)));
    const changes: FileChange[] = [];
    const changedOf = new Map<string, ReadonlySet<string>>();
    for (const [dir, files] of saved) {
      const was = previous.get(dir);
      const now = this.projects.get(dir);
      const touched = files && was && now ? changedFiles(was, now, files) : undefined;
      if (!touched) return 'rebuild';
      changedOf.set(dir, touched);
      const beforeOf = new Map(was!.discoveries.map((d) => [d.file, d]));
      for (const d of now!.discoveries) {
        if (!touched.has(d.file)) continue;
        const before = beforeOf.get(d.file);
        if (!before) return 'rebuild';
        changes.push({ before, after: d });
      }
    }
    return {
      changes,
      // The graph keeps the discoveries of the projects' other files: so does this source (they are
      // equal when the structure held), so that the next patch finds the objects the graph holds.
      accepted: () => {
        for (const [dir, touched] of changedOf) {
          const now = this.projects.get(dir)!;
          const kept = new Map(previous.get(dir)!.discoveries.map((d) => [d.file, d]));
          this.projects.set(dir, { ...now, discoveries: now.discoveries.map((d) => (touched.has(d.file) ? d : (kept.get(d.file) ?? d))) });
        }
      },
    };
  }

  discoveries(): Iterable<FileDiscovery> {
    const out: FileDiscovery[] = [];
    for (const p of this.projects.values()) {
      out.push(...p.discoveries);
      if (p.problems.length > 0) out.push({ file: join(p.projectDir, DBT_PROJECT_FILE), assets: [], problems: p.problems });
    }
    return out;
  }

  /** Re-reads the saved files of a project alone when it can, else the whole project. */
  private async update(dir: string, saved: readonly string[] | undefined): Promise<void> {
    const previous = this.projects.get(dir);
    if (saved && previous) {
      try {
        const next = rereadDbtFiles(previous, saved, this.state);
        if (next) {
          this.projects.set(dir, next);
          return;
        }
      } catch {
        // read it all below
      }
    }
    await this.read(dir);
  }

  private async read(dir: string): Promise<void> {
    try {
      this.projects.set(dir, await discoverDbtProject(dir, this.state));
    } catch (err) {
      const file = join(dir, DBT_PROJECT_FILE);
      this.projects.set(dir, { projectDir: dir, projectName: basename(dir), discoveries: [], files: [file], problems: [crashProblem(file, 'dbt.internal', err)] });
    }
  }

  /** The innermost dbt project holding `file`, if any. */
  private projectOf(file: string): string | undefined {
    let best: string | undefined;
    for (const dir of this.projects.keys()) {
      if (file.startsWith(dir + sep) && (!best || dir.length > best.length)) best = dir;
    }
    return best;
  }
}

/**
 * The files of a dbt project whose discoveries a save of `saved` (files the project had) can
 * have changed, or undefined when the graph must be built anew. A model, snapshot, seed or test
 * file changes its own discovery alone. A properties YAML file also changes the nodes it patches
 * (before or after the save), unless it changed a node's key or enabled state, which reaches
 * every file that refers to that node; and a YAML file with sources is built anew (a source folds
 * into the asset that feeds it, in another file).
 */
function changedFiles(previous: DbtProjectDiscovery, next: DbtProjectDiscovery, saved: readonly string[]): ReadonlySet<string> | undefined {
  const yaml = saved.filter((f) => /\.ya?ml$/i.test(f));
  if (yaml.length === 0) return new Set(saved);
  const patched = dbtFilesPatchedBy(previous, next, yaml);
  if (!patched) return undefined;
  const yamlSet = new Set(yaml);
  for (const project of [previous, next]) for (const d of project.discoveries) if (d.assets.length > 0 && yamlSet.has(d.file)) return undefined;
  return new Set([...saved, ...patched]);
}
