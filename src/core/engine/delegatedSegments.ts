import type { MaterializationPlan } from './materializationPlan';

/**
 * The delegated nodes of a plan that one tool run builds together: nodes with
 * the same batch key (one dbt project, one Dagster code location) joined by
 * plan edges between them. A group is kept only when nothing outside it sits
 * between two of its members (a SQL asset reading one dbt model and read by
 * another): the tool could not build both sides in one run. Returns each
 * member's group, in plan order; nodes alone are not in the map.
 */
export function delegatedSegments(plan: MaterializationPlan, batchKeyOf: (id: string) => string | undefined): Map<string, readonly string[]> {
  const keys = new Map<string, string>();
  for (const a of plan.assets) {
    const k = batchKeyOf(a.id);
    if (k !== undefined) keys.set(a.id, k);
  }
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.has(root)) root = parent.get(root)!;
    return root;
  };
  for (const a of plan.assets) {
    const k = keys.get(a.id);
    if (k === undefined) continue;
    for (const u of a.waitsFor) {
      if (keys.get(u) !== k) continue;
      const [ra, ru] = [find(a.id), find(u)];
      if (ra !== ru) parent.set(ra, ru);
    }
  }
  const groups = new Map<string, string[]>();
  for (const a of plan.assets) {
    if (!keys.has(a.id)) continue;
    const root = find(a.id);
    const g = groups.get(root) ?? [];
    g.push(a.id);
    groups.set(root, g);
  }

  const before = new Map(plan.assets.map((a) => [a.id, [...a.waitsFor, ...a.checksRead]] as const));
  const ancestors = new Map<string, ReadonlySet<string>>();
  // Plan order is topological: every upstream's set is made before its dependents'.
  for (const a of plan.assets) {
    const set = new Set<string>();
    for (const u of before.get(a.id) ?? []) {
      set.add(u);
      for (const x of ancestors.get(u) ?? []) set.add(x);
    }
    ancestors.set(a.id, set);
  }

  const segments = new Map<string, readonly string[]>();
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const inside = new Set(members);
    const between = members.some((m) => [...ancestors.get(m)!].some((x) => !inside.has(x) && [...ancestors.get(x)!].some((y) => inside.has(y))));
    if (between) continue;
    for (const m of members) segments.set(m, members);
  }
  return segments;
}
