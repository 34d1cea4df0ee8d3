import * as path from 'node:path';
import type { AssetDefinition, CheckDefinition, FileDiscovery } from '../../asset';
import type { AssetKey } from '../../assetKey';
import { keyToString } from '../../assetKey';
import type { Problem } from '../../problem';
import { MAX_DBT_FILE_BYTES, readSourceText } from '../sourceText';
import type { SourceText } from '../sourceText';
import { listDbtProject, listedDbtFiles } from './dbtFileListing';
import type { DbtFileListing } from './dbtFileListing';
import { hashText, modelOf, readCalls } from './dbtModelRead';
import { patchedOnce, rekeyed } from './dbtNodePatches';
import { DBT_PROJECT_FILE, parseDbtProjectFile } from './dbtProjectFile';
import type { DbtProjectSettings } from './dbtProjectFile';
import { DbtReadState } from './dbtReadState';
import type { DbtNodePatch, DbtSchemaFile } from './dbtSchemaFile';
import { findSnapshotBlocks } from './jinjaCalls';
import { LineIndex } from '../textPosition';

export interface DbtProjectDiscovery {
  /** Absolute folder holding dbt_project.yml. */
  readonly projectDir: string;
  readonly projectName: string;
  /** One per file read (models, snapshots, seeds, properties YAML, singular tests); not dbt_project.yml. */
  readonly discoveries: FileDiscovery[];
  /** Every file read, absolute: a change to any of them means re-reading the project. */
  readonly files: string[];
  /** Project-level problems (dbt_project.yml), only here; file problems are in their FileDiscovery. */
  readonly problems: Problem[];
  /** What the project was assembled from, kept so that a saved file re-reads that file alone. */
  readonly source?: DbtProjectSource;
}

/** The project's settings, its files by role and their texts: everything assembleProject reads. */
export interface DbtProjectSource {
  readonly settings: DbtProjectSettings;
  readonly listing: DbtFileListing;
  readonly texts: ReadonlyMap<string, SourceText>;
  /** What the assembly decided across files, for re-assembling one saved model alone. */
  assembled?: DbtAssembly;
}

export interface DbtAssembly {
  /** By `model:<name>`: the YAML patches applied, and the file of the node they were applied to. */
  readonly patches: ReadonlyMap<string, { readonly file: string; readonly patches: readonly DbtNodePatch[] }>;
  readonly keyOfName: ReadonlyMap<string, AssetKey>;
  /** By `model:<name>` (any resource type): the file of each node. */
  readonly fileOfName?: ReadonlyMap<string, string>;
  /** Names (selectors) of the nodes that are disabled. */
  readonly disabled?: ReadonlySet<string>;
}

interface NodeDraft {
  asset: AssetDefinition;
  fileIndex: number;
  enabled: boolean;
}

/**
 * Reads a dbt project statically (no dbt, no Python): models with their
 * ref/source dependencies, snapshots, seeds, sources and tests from the
 * properties YAML. Never throws: problems are data.
 */
export async function discoverDbtProject(projectDir: string, state: DbtReadState = new DbtReadState()): Promise<DbtProjectDiscovery> {
  projectDir = path.resolve(projectDir);
  const projectFile = path.join(projectDir, DBT_PROJECT_FILE);
  const files: string[] = [projectFile];
  const discoveries: FileDiscovery[] = [];
  const problems: Problem[] = [];
  try {
    const read = readSourceText(projectFile, MAX_DBT_FILE_BYTES);
    if (read.text === undefined) {
      problems.push(
        read.problem ?? { file: projectFile, line: 1, column: 1, severity: 'error', code: 'dbt.project.missing', message: `No ${DBT_PROJECT_FILE} in ${projectDir}: this is not a dbt project.` },
      );
      return { projectDir, projectName: path.basename(projectDir), discoveries, files, problems };
    }
    const settings = parseDbtProjectFile(projectFile, read.text);
    // Project-level problems are only in `problems` (callers add them once, at dbt_project.yml).
    problems.push(...settings.problems);
    const source = await readProject(projectDir, settings, files, discoveries, state);
    return { projectDir, projectName: settings.name, discoveries, files, problems, source };
  } catch (err) {
    problems.push({ file: projectFile, line: 1, column: 1, severity: 'error', code: 'dbt.project.unreadable', message: `Cannot read the dbt project: ${String(err)}` });
    return { projectDir, projectName: path.basename(projectDir), discoveries, files, problems };
  }
}

async function readProject(projectDir: string, settings: DbtProjectSettings, files: string[], discoveries: FileDiscovery[], state: DbtReadState): Promise<DbtProjectSource> {
  const listing = await listDbtProject(projectDir, settings);
  // Seeds only need their name and a hash: read them too (dbt seeds are small by design).
  const toRead = listedDbtFiles(listing);
  const texts = await state.readAll(toRead);
  files.push(...toRead);
  const source: DbtProjectSource = { settings, listing, texts };
  assembleProject(projectDir, source, discoveries, state);
  return source;
}

/** Builds the project's discoveries from its texts (parsed files come from the caches above). */
export function assembleProject(projectDir: string, source: DbtProjectSource, discoveries: FileDiscovery[], state: DbtReadState): void {
  const { settings, texts } = source;
  const { modelSql, snapshotSql, seedCsv, yamlFiles, testSql } = source.listing;
  const projectName = settings.name;
  const dbtInfo = (resourceType: 'model' | 'seed' | 'snapshot', selector: string, materialized?: string) => ({
    projectDir,
    projectName,
    resourceType,
    selector,
    ...(materialized ? { materialized } : {}),
  });
  const modelRoots = settings.modelPaths.map((p) => path.resolve(projectDir, p));
  const snapshotRoots = settings.snapshotPaths.map((p) => path.resolve(projectDir, p));

  const drafts: NodeDraft[] = [];
  const perFile: { file: string; problems: Problem[]; unseen: string[] }[] = [];
  const fileIndex = new Map<string, number>();
  const pushDraft = (file: string, asset: AssetDefinition, enabled: boolean, fileProblems: Problem[], unseen: string[]) => {
    let idx = fileIndex.get(file);
    if (idx === undefined) {
      idx = perFile.push({ file, problems: [], unseen: [] }) - 1;
      fileIndex.set(file, idx);
    }
    perFile[idx].problems.push(...fileProblems);
    perFile[idx].unseen.push(...unseen);
    drafts.push({ asset, fileIndex: idx, enabled });
  };
  const skipped = (file: string): boolean => {
    const r = texts.get(file);
    if (r?.text !== undefined) return false;
    perFile.push({ file, problems: r?.problem ? [r.problem] : [], unseen: [] });
    return true;
  };

  // Models
  modelRoots.forEach((root, i) => {
    for (const file of modelSql[i]) {
      if (skipped(file)) continue;
      const model = modelOf(projectDir, file, root, texts.get(file)!, settings, state);
      pushDraft(file, model.asset, model.enabled, model.problems, model.unseen);
    }
  });

  // Snapshots: `{% snapshot name %} … {% endsnapshot %}` blocks.
  snapshotRoots.forEach((_root, i) => {
    for (const file of snapshotSql[i]) {
      if (skipped(file)) continue;
      const text = texts.get(file)!.text!;
      const lines = new LineIndex(text);
      const calls = state.jinjaCalls(file, text, lines);
      const blocks = findSnapshotBlocks(text);
      if (blocks.length === 0) perFile.push({ file, problems: [], unseen: [] });
      blocks.forEach((b, n) => {
        const start = lines.position(b.offset).line;
        const end = n + 1 < blocks.length ? lines.position(blocks[n + 1].offset).line - 1 : Number.MAX_SAFE_INTEGER;
        const r = readCalls(file, calls, start, end);
        const asset: AssetDefinition = {
          key: r.metaKey ?? [b.name],
          source: 'dbt',
          location: { file, line: start, column: lines.position(b.offset).column },
          group: r.group ?? 'snapshots',
          kind: 'snapshot',
          deps: r.deps,
          checks: [],
          definitionHash: hashText(text),
          dbt: dbtInfo('snapshot', b.name, 'snapshot'),
        };
        pushDraft(file, asset, r.enabled ?? true, r.problems, r.unseen);
      });
    }
  });

  // Seeds
  for (const file of seedCsv.flat()) {
    if (skipped(file)) continue;
    const name = path.basename(file, path.extname(file));
    const asset: AssetDefinition = {
      key: [name],
      source: 'dbt',
      location: { file, line: 1, column: 1 },
      group: 'seeds',
      kind: 'seed',
      deps: [],
      checks: [],
      definitionHash: state.facts(file, texts.get(file)!.text!).hash,
      dbt: dbtInfo('seed', name, 'seed'),
    };
    pushDraft(file, asset, true, [], []);
  }

  // Properties YAML
  const schemaFiles: DbtSchemaFile[] = [];
  for (const file of yamlFiles) {
    if (skipped(file)) continue;
    schemaFiles.push(state.schemaFile(file, texts.get(file)!.text!, { projectDir, projectName }));
  }

  // Apply YAML patches to the nodes they name (description, materialized, meta.dagster.*, enabled).
  const byName = new Map<string, NodeDraft>();
  for (const d of drafts) if (d.asset.dbt) byName.set(`${d.asset.dbt.resourceType}:${d.asset.dbt.selector}`, d);
  const patches = new Map<string, { file: string; patches: DbtNodePatch[] }>();
  for (const s of schemaFiles) for (const p of s.patches) {
    const name = `${p.resourceType}:${p.name}`;
    const d = byName.get(name);
    if (!d) continue;
    d.asset = patchedOnce(d.asset, p);
    if (p.enabled === false) d.enabled = false;
    const entry = patches.get(name) ?? { file: perFile[d.fileIndex]!.file, patches: [] };
    entry.patches.push(p);
    patches.set(name, entry);
  }

  // A node's key may differ from its name (meta.dagster.asset_key): refs and tests follow the key.
  const keyOfName = new Map<string, AssetKey>();
  for (const d of drafts) if (d.enabled && d.asset.dbt) keyOfName.set(d.asset.dbt.selector, d.asset.key);
  const rekey = (key: AssetKey): AssetKey => (key.length === 1 ? keyOfName.get(key[0]) ?? key : key);
  const disabled = new Set(drafts.filter((d) => !d.enabled).map((d) => d.asset.dbt!.selector));
  const fileOfName = new Map<string, string>();
  for (const [name, d] of byName) fileOfName.set(name, perFile[d.fileIndex]!.file);
  source.assembled = { patches, keyOfName, fileOfName, disabled };

  for (const d of drafts) d.asset = rekeyed(d.asset, rekey);

  // Emit one FileDiscovery per file.
  const assetsOfFile = new Map<number, AssetDefinition[]>();
  for (const d of drafts) {
    if (!d.enabled) continue;
    const list = assetsOfFile.get(d.fileIndex) ?? [];
    list.push(d.asset);
    assetsOfFile.set(d.fileIndex, list);
  }
  perFile.forEach((pf, idx) => {
    const assets = assetsOfFile.get(idx) ?? [];
    discoveries.push({ file: pf.file, assets, problems: pf.problems, ...(pf.unseen.length > 0 ? { unseen: pf.unseen } : {}) });
  });
  for (const s of schemaFiles) {
    const detachedChecks = s.detachedChecks
      .filter((c) => !(c.asset.length === 1 && disabled.has(c.asset[0])))
      .map((c) => ({ asset: rekey(c.asset), check: c.check }));
    discoveries.push({ file: s.file, assets: s.sources, detachedChecks, problems: s.problems });
  }

  // Singular tests (tests/*.sql): a check of the one model they ref, as dagster-dbt attaches them.
  for (const file of testSql.flat()) {
    if (skipped(file)) continue;
    const text = texts.get(file)!.text!;
    const r = state.facts(file, text).read;
    const targets = new Map<string, AssetKey>();
    for (const dep of r.deps) {
      const k = dep.origin === 'dbt-ref' ? rekey(dep.key) : dep.key;
      targets.set(keyToString(k), k);
    }
    const detachedChecks: { asset: AssetKey; check: CheckDefinition }[] = [];
    const fileUnseen = [...r.unseen];
    if (targets.size === 1) {
      const [asset] = targets.values();
      const singularSeverity = /severity\s*=\s*['"]warn['"]/i.test(text) ? 'warn' : 'error';
      detachedChecks.push({
        asset,
        check: {
          name: path.basename(file, path.extname(file)),
          type: 'dbt',
          severity: singularSeverity,
          blocking: singularSeverity === 'error',
          location: { file, line: 1, column: 1 },
          config: { test: 'singular' },
        },
      });
    } else if (targets.size > 1) {
      fileUnseen.push(`singular test ${path.basename(file)} reads ${targets.size} assets: not attached to one`);
    }
    discoveries.push({ file, assets: [], detachedChecks, problems: r.problems, ...(fileUnseen.length > 0 ? { unseen: fileUnseen } : {}) });
  }
}
