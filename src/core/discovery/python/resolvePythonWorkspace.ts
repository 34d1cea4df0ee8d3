// The pass over all Python files together: what one file cannot know alone.
// - a parameter annotated with a resource or config class defined in another
//   file (`class Warehouse(dg.ConfigurableResource)`) is not a dependency;
// - a dependency or check written as a Python name imported from another file
//   takes that asset's real key (`deps=[trips]` where trips has a key_prefix);
// - an AssetSpec a multi_asset in another file defines is not an external asset;
// - jobs and schedules are recorded on the assets they select.
import type { AssetKey } from '../../assetKey';
import { keyToString } from '../../assetKey';
import type { AssetDefinition, DependencyRef, FileDiscovery } from '../../asset';
import type { PythonFileDiscovery, PythonJob, PythonSelection } from './pythonFileDiscovery';
import { isResourceOrContext, lastDotted } from './readPythonFile';

/** Base classes whose subclasses are resources or configs, not asset values. */
const RESOURCE_ROOTS = [
  'ConfigurableResource',
  'ConfigurableIOManager',
  'ConfigurableIOManagerFactory',
  'ConfigurableResourceFactory',
  'ConfigurableLegacyIOManagerAdapter',
  'IOManager',
  'Config',
  'PermissiveConfig',
];

export function resolvePythonWorkspace(files: readonly PythonFileDiscovery[]): readonly FileDiscovery[] {
  const resourceClasses = resourceClassNames(files);
  // A name bound to different keys in different files is ambiguous without following imports: left as written.
  const bindings = new Map<string, readonly AssetKey[] | null>();
  for (const f of files) {
    for (const b of f.python.bindings) {
      const seen = bindings.get(b.name);
      if (seen === undefined) bindings.set(b.name, b.keys);
      else if (seen !== null && seen.map(keyToString).join(',') !== b.keys.map(keyToString).join(',')) bindings.set(b.name, null);
    }
  }

  const materializable = new Set<string>();
  for (const f of files) {
    for (const a of f.assets) if (!a.dagster?.external) materializable.add(keyToString(a.key));
  }

  // Per file: finish deps and checks; drop external specs another definition materializes.
  const finished = files.map((f) => {
    const { annotatedParameters, nameRefs } = f.python;
    // Dependencies to change, by asset index * 2^16 + dependency index.
    const dropped = new Set<number>();
    for (const p of annotatedParameters) {
      if (resourceClasses.has(lastDotted(p.annotation.split('[')[0]!.trim()))) dropped.add(p.asset * 65536 + p.dep);
    }
    const renamed = new Map<number, readonly AssetKey[]>();
    for (const r of nameRefs) {
      const keys = bindings.get(r.name);
      if (keys) renamed.set(r.asset * 65536 + r.dep, keys);
    }
    const touched = dropped.size > 0 || renamed.size > 0;
    const assets = f.assets.flatMap((a, index) => {
      if (a.dagster?.external && materializable.has(keyToString(a.key))) return [];
      if (!touched) return [a];
      const deps: DependencyRef[] = [];
      a.deps.forEach((d, i) => {
        const at = index * 65536 + i;
        if (dropped.has(at)) return;
        const keys = renamed.get(at);
        if (keys) for (const key of keys) deps.push({ ...d, key });
        else deps.push(d);
      });
      const unchanged = deps.length === a.deps.length && deps.every((d, i) => d === a.deps[i]);
      return [unchanged ? a : { ...a, deps }];
    });
    let detachedChecks = f.detachedChecks;
    if (detachedChecks && f.python.checkRefs.length > 0) {
      const refs = new Map(f.python.checkRefs.map((r) => [r.check, r.name]));
      detachedChecks = detachedChecks.flatMap((c, i) => {
        const name = refs.get(i);
        const keys = name !== undefined ? bindings.get(name) : undefined;
        return keys ? keys.map((asset) => ({ asset, check: c.check })) : [c];
      });
    }
    return { f, assets, detachedChecks };
  });

  const marks = scheduleMarks(files, finished.flatMap((x) => x.assets), bindings);
  return finished.map(({ f, assets, detachedChecks }) => {
    const marked = assets.map((a) => {
      const mark = marks.get(keyToString(a.key));
      if (!mark || !a.dagster) return a;
      return {
        ...a,
        dagster: {
          ...a.dagster,
          ...(mark.jobs.size > 0 ? { jobs: [...mark.jobs].sort() } : {}),
          ...(mark.schedules.size > 0 ? { schedules: [...mark.schedules].sort() } : {}),
        },
      };
    });
    const out: FileDiscovery = {
      file: f.file,
      assets: marked,
      ...(detachedChecks ? { detachedChecks } : {}),
      problems: f.problems,
      ...(f.unseen ? { unseen: f.unseen } : {}),
    };
    return out;
  });
}

/** Names of classes that are resources or configs: subclasses (at any depth) of the roots or of a `…Resource`. */
function resourceClassNames(files: readonly PythonFileDiscovery[]): Set<string> {
  const classes = files.flatMap((f) => f.python.classes);
  const found = new Set<string>(RESOURCE_ROOTS);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of classes) {
      if (found.has(c.name)) continue;
      if (c.bases.some((b) => found.has(b) || isResourceOrContext(b))) {
        found.add(c.name);
        grew = true;
      }
    }
  }
  return found;
}

interface Marks {
  readonly jobs: Set<string>;
  readonly schedules: Set<string>;
}

function scheduleMarks(
  files: readonly PythonFileDiscovery[],
  assets: readonly AssetDefinition[],
  bindings: ReadonlyMap<string, readonly AssetKey[] | null>,
): Map<string, Marks> {
  const marks = new Map<string, Marks>();
  const mark = (key: string, kind: keyof Marks, name: string): void => {
    let m = marks.get(key);
    if (!m) marks.set(key, (m = { jobs: new Set(), schedules: new Set() }));
    m[kind].add(name);
  };
  const selected = (s: PythonSelection): string[] => {
    if (s.all) return assets.map((a) => keyToString(a.key));
    const keys = new Set(s.keys.map(keyToString));
    for (const n of s.names) for (const k of bindings.get(n) ?? [[n]]) keys.add(keyToString(k));
    if (s.groups.length > 0) {
      for (const a of assets) if (a.group !== undefined && s.groups.includes(a.group)) keys.add(keyToString(a.key));
    }
    return [...keys];
  };
  const jobs: PythonJob[] = files.flatMap((f) => f.python.jobs);
  for (const job of jobs) for (const key of selected(job.selection)) mark(key, 'jobs', job.name);
  for (const f of files) {
    for (const schedule of f.python.schedules) {
      let keys: string[] = [];
      if (schedule.selection) keys = selected(schedule.selection);
      else if (schedule.job !== undefined) {
        // Same file first: a variable name may repeat across files.
        const job =
          f.python.jobs.find((j) => j.variable === schedule.job || j.name === schedule.job) ??
          jobs.find((j) => j.variable === schedule.job || j.name === schedule.job);
        if (job) keys = selected(job.selection);
      }
      for (const key of keys) mark(key, 'schedules', schedule.name);
    }
  }
  return marks;
}
