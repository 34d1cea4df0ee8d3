import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DbtSourceTable } from '../asset';
import type { Problem } from '../problem';
import { listDbtFiles } from '../discovery/dbt/dbtFileListing';
import { discoverDbtProject } from '../discovery/dbt/dbtProject';
import type { DbtProjectSettings } from '../discovery/dbt/dbtProjectFile';
import { DbtJinja } from './dbtJinja';

/** A model or seed as running it needs it. */
export interface DbtRunNode {
  readonly name: string;
  readonly resourceType: 'model' | 'seed';
  readonly file: string;
  /** Folders between its model/seed path and the file, for dbt_project.yml's folder configs. */
  readonly folders: readonly string[];
  /** `config:` from properties YAML. */
  readonly yamlConfig: Readonly<Record<string, unknown>>;
}

/** Everything an in-process run of a dbt project reads: settings, macros, nodes, sources. */
export interface DbtRunProject {
  readonly projectDir: string;
  readonly name: string;
  readonly settings: DbtProjectSettings;
  readonly jinja: DbtJinja;
  readonly models: ReadonlyMap<string, DbtRunNode>;
  readonly seeds: ReadonlyMap<string, DbtRunNode>;
  /** By `source.table`. */
  readonly sources: ReadonlyMap<string, DbtSourceTable>;
  /** dbt_project.yml problems: a project that cannot be read runs nothing. */
  readonly problems: readonly Problem[];
}

/** Reads a dbt project for running (discovery's parses are reused while the files are unchanged). */
export async function loadDbtRunProject(projectDir: string): Promise<DbtRunProject> {
  const discovered = await discoverDbtProject(projectDir);
  const source = discovered.source;
  if (!source) {
    throw new Error(`Cannot read the dbt project in ${projectDir}: ${discovered.problems[0]?.message ?? 'dbt_project.yml is unreadable'}`);
  }
  const settings = source.settings;
  const dir = discovered.projectDir;
  const macroFiles = (await Promise.all(settings.macroPaths.map((p) => listDbtFiles(path.resolve(dir, p), ['.sql'])))).flat();
  const jinja = new DbtJinja(macroFiles.map((file) => ({ file, text: readFileSync(file, 'utf8') })));

  const modelRoots = settings.modelPaths.map((p) => path.resolve(dir, p));
  const seedRoots = settings.seedPaths.map((p) => path.resolve(dir, p));
  const foldersOf = (file: string, roots: readonly string[]): string[] => {
    const root = roots.find((r) => file.startsWith(r + path.sep)) ?? path.dirname(file);
    return path.relative(root, path.dirname(file)).split(path.sep).filter((s) => s !== '' && s !== '.');
  };
  const models = new Map<string, DbtRunNode>();
  const seeds = new Map<string, DbtRunNode>();
  const sources = new Map<string, DbtSourceTable>();
  for (const d of discovered.discoveries) {
    for (const a of d.assets) {
      const info = a.dbt;
      if (!info) continue;
      if (info.resourceType === 'model' || info.resourceType === 'seed') {
        const roots = info.resourceType === 'model' ? modelRoots : seedRoots;
        const node: DbtRunNode = {
          name: info.selector,
          resourceType: info.resourceType,
          file: a.location.file,
          folders: foldersOf(a.location.file, roots),
          yamlConfig: info.yamlConfig ?? {},
        };
        (info.resourceType === 'model' ? models : seeds).set(info.selector, node);
      } else if (info.resourceType === 'source' && info.sourceTable) {
        sources.set(`${info.sourceTable.sourceName}.${info.sourceTable.tableName}`, info.sourceTable);
      }
    }
  }
  return { projectDir: dir, name: settings.name, settings, jinja, models, seeds, sources, problems: discovered.problems };
}
