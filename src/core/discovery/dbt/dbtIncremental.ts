// A dbt project after a save of some of its files: the saved files re-read, and only the nodes they
// can change made again when the last assembly's keys and patches still hold (else the whole
// assembly, from the texts kept).
import * as path from 'node:path';
import type { FileDiscovery } from '../../asset';
import type { AssetKey } from '../../assetKey';
import { keyToString } from '../../assetKey';
import { modelOf } from './dbtModelRead';
import { patched, patchedOnce, rekeyed } from './dbtNodePatches';
import { assembleProject } from './dbtProject';
import type { DbtProjectDiscovery, DbtProjectSource } from './dbtProject';
import type { DbtReadState } from './dbtReadState';
import type { DbtNodePatch } from './dbtSchemaFile';

/**
 * The discoveries after saving model files whose key and enabled state held: each saved model is
 * made again with the patches and keys the last assembly decided; every other file is unchanged.
 * Undefined when that does not hold.
 */
function reassembleModels(project: DbtProjectDiscovery, source: DbtProjectSource, next: DbtProjectSource, changed: readonly string[], state: DbtReadState): FileDiscovery[] | undefined {
  const assembled = source.assembled;
  if (!assembled) return undefined;
  const modelRoots = source.settings.modelPaths.map((p) => path.resolve(project.projectDir, p));
  const replaced = new Map<string, FileDiscovery>();
  for (const file of changed) {
    const { modelSql, snapshotSql, seedCsv, testSql } = source.listing;
    const i = modelSql.findIndex((files) => files.includes(file));
    // A file that is also read in another role (overlapping paths) takes the full assembly.
    if (modelSql.filter((files) => files.includes(file)).length !== 1) return undefined;
    if ([...snapshotSql, ...seedCsv, ...testSql].some((files) => files.includes(file))) return undefined;
    const before = source.texts.get(file);
    const after = next.texts.get(file);
    if (i === -1 || before?.text === undefined || after?.text === undefined) return undefined;
    const old = modelOf(project.projectDir, file, modelRoots[i]!, before, source.settings, state);
    const model = modelOf(project.projectDir, file, modelRoots[i]!, after, source.settings, state);
    if (!old.enabled || !model.enabled || keyToString(old.asset.key) !== keyToString(model.asset.key)) return undefined;
    const name = `model:${model.asset.dbt!.selector}`;
    const entry = assembled.patches.get(name);
    if (entry && entry.file !== file) return undefined;
    let asset = model.asset;
    for (const p of entry?.patches ?? []) {
      if (p.enabled === false) return undefined;
      asset = patched(asset, p);
    }
    const keyOfName = assembled.keyOfName;
    if (keyToString(keyOfName.get(model.asset.dbt!.selector) ?? []) !== keyToString(asset.key)) return undefined;
    asset = rekeyed(asset, (key) => (key.length === 1 ? (keyOfName.get(key[0]!) ?? key) : key));
    const unseen = [...model.unseen];
    replaced.set(file, { file, assets: [asset], problems: [...model.problems], ...(unseen.length > 0 ? { unseen } : {}) });
  }
  next.assembled = assembled;
  return project.discoveries.map((d) => replaced.get(d.file) ?? d);
}

/**
 * The discoveries after saving properties YAML files that only describe models (descriptions,
 * materializations, groups, tests): the saved files and the models they patch, before or after,
 * are made again; every other file is unchanged. Undefined — assemble it all — when a saved file
 * has sources, patches a seed or snapshot, or sets a key (meta.dagster.asset_key) or `enabled`.
 */
function reassembleYaml(project: DbtProjectDiscovery, source: DbtProjectSource, next: DbtProjectSource, changed: readonly string[], state: DbtReadState): FileDiscovery[] | undefined {
  const assembled = source.assembled;
  const { fileOfName, disabled, keyOfName } = assembled ?? {};
  if (!assembled || !fileOfName || !disabled || !keyOfName) return undefined;
  const { modelSql, snapshotSql, seedCsv, yamlFiles, testSql } = source.listing;
  const order = new Map(yamlFiles.map((f, i) => [f, i]));
  const ctx = { projectDir: project.projectDir, projectName: source.settings.name };
  const saved = new Set(changed);
  const replaced = new Map<string, FileDiscovery>();
  const rekey = (key: AssetKey): AssetKey => (key.length === 1 ? (keyOfName.get(key[0]!) ?? key) : key);
  const newPatches: DbtNodePatch[] = [];
  const names = new Set<string>();
  for (const file of changed) {
    const before = source.texts.get(file)?.text;
    const after = next.texts.get(file)?.text;
    if (!order.has(file) || before === undefined || after === undefined) return undefined;
    const old = state.schemaFile(file, before, ctx);
    const now = state.schemaFile(file, after, ctx);
    for (const y of [old, now]) {
      if (y.sources.length > 0) return undefined;
      for (const p of y.patches) {
        if (p.resourceType !== 'model' || p.assetKey !== undefined || p.enabled !== undefined) return undefined;
        names.add(`model:${p.name}`);
      }
    }
    newPatches.push(...now.patches);
    const detachedChecks = now.detachedChecks
      .filter((c) => !(c.asset.length === 1 && disabled.has(c.asset[0]!)))
      .map((c) => ({ asset: rekey(c.asset), check: c.check }));
    replaced.set(file, { file, assets: now.sources, detachedChecks, problems: now.problems });
  }
  const patches = new Map(assembled.patches);
  const modelRoots = source.settings.modelPaths.map((p) => path.resolve(project.projectDir, p));
  for (const name of names) {
    const file = fileOfName.get(name);
    if (file === undefined) continue; // a patch of no node is not applied
    const i = modelSql.findIndex((files) => files.includes(file));
    if (i === -1 || modelSql.filter((files) => files.includes(file)).length !== 1) return undefined;
    if ([...snapshotSql, ...seedCsv, ...testSql].some((files) => files.includes(file))) return undefined;
    const read = next.texts.get(file);
    if (read?.text === undefined || saved.has(file)) return undefined;
    const model = modelOf(project.projectDir, file, modelRoots[i]!, read, source.settings, state);
    if (!model.enabled) return undefined;
    // This node's patches from the other YAML files and the saved ones, in the assembly's order.
    const selector = name.slice('model:'.length);
    const kept = (assembled.patches.get(name)?.patches ?? []).filter((p) => !saved.has(p.location.file));
    const mine = newPatches.filter((p) => p.name === selector);
    const all = [...kept, ...mine].sort((x, y) => order.get(x.location.file)! - order.get(y.location.file)!);
    let asset = model.asset;
    for (const p of all) asset = patchedOnce(asset, p);
    if (keyToString(keyOfName.get(selector) ?? []) !== keyToString(asset.key)) return undefined;
    asset = rekeyed(asset, rekey);
    if (all.length > 0) patches.set(name, { file, patches: all });
    else patches.delete(name);
    const unseen = [...model.unseen];
    replaced.set(file, { file, assets: [asset], problems: [...model.problems], ...(unseen.length > 0 ? { unseen } : {}) });
  }
  next.assembled = { ...assembled, patches };
  return project.discoveries.map((d) => replaced.get(d.file) ?? d);
}

/**
 * The node files (models, snapshots, seeds) that the properties YAML files `yaml` patch in either
 * assembly of a project, the one before a save of them and the one after. Undefined when the two
 * assemblies differ in a node's key or enabled state (keyOfName): that reaches every file that
 * refers to the node. Other files' discoveries are the same in both: they are made from the same
 * texts, the same other patches and the same keys.
 */
export function dbtFilesPatchedBy(before: DbtProjectDiscovery, after: DbtProjectDiscovery, yaml: readonly string[]): Set<string> | undefined {
  const a = before.source?.assembled;
  const b = after.source?.assembled;
  if (!a || !b || a.keyOfName.size !== b.keyOfName.size) return undefined;
  // reassembleYaml keeps the keys it was given: the same map, nothing to compare.
  if (a.keyOfName !== b.keyOfName) for (const [name, key] of a.keyOfName) {
    const other = b.keyOfName.get(name);
    if (!other || keyToString(other) !== keyToString(key)) return undefined;
  }
  const saved = new Set(yaml);
  const files = new Set<string>();
  for (const patches of [a.patches, b.patches]) {
    for (const entry of patches.values()) if (entry.patches.some((p) => saved.has(p.location.file))) files.add(entry.file);
  }
  return files;
}

/**
 * The project after some of its files were saved: re-reads those files only and assembles the
 * project again from the texts kept (no listing, no other file read). Undefined when that is not
 * enough — a file the project did not have, dbt_project.yml, or no kept source: re-read it all.
 */
export function rereadDbtFiles(project: DbtProjectDiscovery, changed: readonly string[], state: DbtReadState): DbtProjectDiscovery | undefined {
  const source = project.source;
  if (!source) return undefined;
  const texts = new Map(source.texts);
  for (const file of changed) {
    if (!texts.has(file)) return undefined;
    const read = state.read(file);
    if (read.missing || read.problem?.code === 'discovery.unreadable') return undefined; // gone or unreadable: list the project again
    texts.set(file, read);
  }
  const next: DbtProjectSource = { settings: source.settings, listing: source.listing, texts };
  try {
    const models = reassembleModels(project, source, next, changed, state) ?? reassembleYaml(project, source, next, changed, state);
    if (models) return { ...project, discoveries: models, source: next };
    const discoveries: FileDiscovery[] = [];
    assembleProject(project.projectDir, next, discoveries, state);
    return { ...project, discoveries, source: next };
  } catch {
    return undefined;
  }
}
