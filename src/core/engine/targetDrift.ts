// How an asset on one target stands against another target (dev against prod):
// built from the same definition, from another one, or built on one side only.
import type { AssetGraph } from '../graph/assetGraph';
import type { AssetStateView } from '../editorModel/assetRunOutcome';

export type DriftKind =
  /** Built on both from the same definition. */
  | 'same'
  /** Built on both, from different definitions (one side is behind, or both). */
  | 'differs'
  /** Built on this target only. */
  | 'only-here'
  /** Built on the other target only. */
  | 'only-there'
  /** Built on neither. */
  | 'neither';

export interface AssetDrift {
  readonly key: string;
  readonly kind: DriftKind;
  /** This side was built from the definition in the workspace now. */
  readonly hereCurrent: boolean;
  readonly thereCurrent: boolean;
}

/** Each buildable asset of the graph (or of `keys`), this target's state against the other's. */
export function targetDrift(
  graph: AssetGraph,
  here: ReadonlyMap<string, AssetStateView>,
  there: ReadonlyMap<string, AssetStateView>,
  keys: Iterable<string> = here.keys(),
): AssetDrift[] {
  const out: AssetDrift[] = [];
  for (const key of keys) {
    const node = graph.nodes.get(key);
    if (!node) continue;
    const a = here.get(key)?.builtHash;
    const b = there.get(key)?.builtHash;
    const kind: DriftKind = a !== undefined && b !== undefined ? (a === b ? 'same' : 'differs') : a !== undefined ? 'only-here' : b !== undefined ? 'only-there' : 'neither';
    const current = node.definition.definitionHash;
    out.push({ key, kind, hereCurrent: a === current, thereCurrent: b === current });
  }
  return out;
}

/** A few characters for a tree row or a lineage node; nothing when both sides agree or neither has it. */
export function driftMark(d: AssetDrift, otherTarget: string): string | undefined {
  switch (d.kind) {
    case 'differs':
      return `≠ ${otherTarget}`;
    case 'only-here':
      return `not on ${otherTarget}`;
    case 'only-there':
      return `only on ${otherTarget}`;
    default:
      return undefined;
  }
}

/** A few words for a list or a tree: how the asset stands on `otherTarget`. */
export function driftText(d: AssetDrift, otherTarget: string): string {
  switch (d.kind) {
    case 'same':
      return `same as ${otherTarget}`;
    case 'differs':
      if (d.hereCurrent) return `${otherTarget} is behind (built from an older definition)`;
      if (d.thereCurrent) return `behind ${otherTarget} (this side was built from an older definition)`;
      return `differs from ${otherTarget} (both built from older definitions)`;
    case 'only-here':
      return `not built on ${otherTarget}`;
    case 'only-there':
      return `built on ${otherTarget} only`;
    case 'neither':
      return `built on neither`;
  }
}
