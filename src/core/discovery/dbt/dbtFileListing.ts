// Which files a dbt project is made of, by role, from the paths its dbt_project.yml declares.
import * as path from 'node:path';
import { walkTree } from '../fileWalk';
import type { DbtProjectSettings } from './dbtProjectFile';

/** A project's files by role, absolute and sorted; per declared path where a role has several. */
export interface DbtFileListing {
  readonly modelSql: readonly (readonly string[])[];
  readonly snapshotSql: readonly (readonly string[])[];
  readonly seedCsv: readonly (readonly string[])[];
  readonly yamlFiles: readonly string[];
  readonly testSql: readonly (readonly string[])[];
}

/** Folders inside a dbt project that never hold its sources. */
const SKIPPED_DIRS = new Set(['target', 'dbt_packages', 'dbt_modules', 'node_modules', 'logs', '__pycache__']);

/** Files under `root` with one of `exts`, sorted; dbt's own output, package and hidden folders skipped. */
export async function listDbtFiles(root: string, exts: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  await walkTree(root, {
    // A declared path that does not exist is normal (no seeds/, no snapshots/): the walk skips it.
    folder: (_, name) => !name.startsWith('.') && !SKIPPED_DIRS.has(name),
    file: (full, name) => {
      if (!name.startsWith('.') && exts.some((x) => name.toLowerCase().endsWith(x))) out.push(full);
    },
  });
  return out.sort();
}

/** Lists the models, snapshots, seeds, properties YAML and singular tests under the project's declared paths. */
export async function listDbtProject(projectDir: string, settings: DbtProjectSettings): Promise<DbtFileListing> {
  const abs = (p: string) => path.resolve(projectDir, p);
  const modelRoots = settings.modelPaths.map(abs);
  const snapshotRoots = settings.snapshotPaths.map(abs);
  const seedRoots = settings.seedPaths.map(abs);
  const testRoots = settings.testPaths.map(abs);
  const [modelSql, modelYaml, snapshotSql, snapshotYaml, seedCsv, seedYaml, testSql] = await Promise.all([
    Promise.all(modelRoots.map((r) => listDbtFiles(r, ['.sql']))),
    Promise.all(modelRoots.map((r) => listDbtFiles(r, ['.yml', '.yaml']))),
    Promise.all(snapshotRoots.map((r) => listDbtFiles(r, ['.sql']))),
    Promise.all(snapshotRoots.map((r) => listDbtFiles(r, ['.yml', '.yaml']))),
    Promise.all(seedRoots.map((r) => listDbtFiles(r, ['.csv']))),
    Promise.all(seedRoots.map((r) => listDbtFiles(r, ['.yml', '.yaml']))),
    Promise.all(testRoots.map((r) => listDbtFiles(r, ['.sql']))),
  ]);
  const yamlFiles = [...new Set([...modelYaml.flat(), ...snapshotYaml.flat(), ...seedYaml.flat()])].sort();
  return { modelSql, snapshotSql, seedCsv, yamlFiles, testSql };
}

/** Every listed file once, in the order the project reads them. */
export function listedDbtFiles(listing: DbtFileListing): string[] {
  const { modelSql, snapshotSql, seedCsv, yamlFiles, testSql } = listing;
  return [...new Set([...modelSql.flat(), ...snapshotSql.flat(), ...seedCsv.flat(), ...yamlFiles, ...testSql.flat()])];
}
