// YAML patches and key changes applied to a dbt node: new definitions, memoized by node and patch
// (both immutable), so that an assembly after a save gives the same objects for what it kept.
import type { AssetDefinition } from '../../asset';
import type { AssetKey } from '../../assetKey';
import { keyToString } from '../../assetKey';
import type { DbtNodePatch } from './dbtSchemaFile';

/** A node with one YAML patch applied (description, materialized, meta.dagster.*). */
export function patched(a: AssetDefinition, p: DbtNodePatch): AssetDefinition {
  const materialized = a.dbt!.resourceType === 'model' && p.materialized ? p.materialized : a.dbt!.materialized;
  return {
    ...a,
    key: p.assetKey ?? a.key,
    group: p.group ?? a.group,
    description: p.description ?? a.description,
    kind: materialized ?? a.kind,
    dbt: {
      ...a.dbt!,
      ...(materialized ? { materialized } : {}),
      ...(p.config ? { yamlConfig: { ...(a.dbt!.yamlConfig ?? {}), ...p.config } } : {}),
    },
  };
}

export function rekeyed(a: AssetDefinition, rekey: (key: AssetKey) => AssetKey): AssetDefinition {
  if (!a.deps.some((dep) => dep.origin === 'dbt-ref')) return a;
  // The same node with the same keys is the same object as in the last assembly: a save of a YAML
  // file then makes new objects only for what it changed (and the graph can be patched cheaply).
  const keys = a.deps.map((dep) => (dep.origin === 'dbt-ref' ? keyToString(rekey(dep.key)) : '')).join('\u0000');
  const hit = rekeyedMemo.get(a);
  if (hit?.keys === keys) return hit.result;
  const result = { ...a, deps: a.deps.map((dep) => (dep.origin === 'dbt-ref' ? { ...dep, key: rekey(dep.key) } : dep)) };
  rekeyedMemo.set(a, { keys, result });
  return result;
}

const rekeyedMemo = new WeakMap<AssetDefinition, { readonly keys: string; readonly result: AssetDefinition }>();
/** A node with one patch applied, by node and patch (both immutable; patches live while their YAML text does). */
const patchedMemo = new WeakMap<AssetDefinition, WeakMap<DbtNodePatch, AssetDefinition>>();

export function patchedOnce(a: AssetDefinition, p: DbtNodePatch): AssetDefinition {
  let byPatch = patchedMemo.get(a);
  if (!byPatch) patchedMemo.set(a, (byPatch = new WeakMap()));
  let result = byPatch.get(p);
  if (!result) byPatch.set(p, (result = patched(a, p)));
  return result;
}
