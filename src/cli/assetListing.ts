import { toRelative } from '../core/discovery/fileWalk';
import type { AssetGraph } from '../core/graph/assetGraph';
import type { Problem } from '../core/problem';

/** One asset as `list --json` prints it (docs/cli.md). */
export interface ListedAsset {
  readonly key: string;
  readonly source: 'sql' | 'dagster' | 'dbt' | 'external';
  /** Relative to the root; null for an external source, which has no definition. */
  readonly file: string | null;
  readonly line: number | null;
  /** `inferred`: resolved by the last key part alone (a guess), not by the exact key or a link. */
  readonly deps: readonly ListedDependency[];
  readonly checks: readonly { readonly name: string; readonly line: number }[];
  readonly group: string | null;
  readonly kind: string | null;
  /** Not materialized here: an external source, or a Dagster `AssetSpec` (an external asset). */
  readonly external: boolean;
}

export interface ListedDependency {
  readonly key: string;
  readonly inferred: boolean;
}

export interface ListedProblem {
  readonly file: string;
  readonly line: number;
  readonly severity: Problem['severity'];
  readonly message: string;
}

export function relativePath(root: string, file: string): string {
  return toRelative(root, file) || '.';
}

export function listAssets(graph: AssetGraph): ListedAsset[] {
  // Few edges are inferred: look them up by their target, not a key string made for every edge.
  const inferredInto = new Map<string, Set<string>>();
  for (const e of graph.edges) {
    if (!e.inferred) continue;
    const froms = inferredInto.get(e.to) ?? new Set<string>();
    froms.add(e.from);
    inferredInto.set(e.to, froms);
  }
  return [...graph.nodes.values()].map((n) => {
    const d = n.definition;
    const external = d.source === 'external';
    return {
      key: n.id,
      source: d.source,
      file: external ? null : relativePath(graph.root, d.location.file),
      line: external ? null : d.location.line,
      deps: graph.upstreamOf(n.id).map((key) => ({ key, inferred: inferredInto.get(n.id)?.has(key) === true })),
      checks: n.checks.map((c) => ({ name: c.name, line: c.location.line })),
      group: d.group ?? null,
      kind: d.kind ?? null,
      external: external || d.dagster?.external === true,
    };
  });
}

export function listProblems(root: string, problems: readonly Problem[]): ListedProblem[] {
  return problems.map((p) => ({ file: relativePath(root, p.file), line: p.line, severity: p.severity, message: p.message }));
}

/** `file:line:col: severity: message`, the form editors and CI annotate from. */
export function formatProblem(root: string, p: Problem): string {
  return `${relativePath(root, p.file)}:${p.line}:${p.column}: ${p.severity}: ${p.message}`;
}

/** A `@dbt_assets` function as `list --json` prints it: the op that runs the dbt models, not an asset. */
export interface ListedOp {
  readonly name: string;
  readonly kind: 'dbt_assets';
  readonly file: string;
  readonly line: number;
  /** Key strings of the assets it materializes. */
  readonly runs: readonly string[];
}

export function listOps(graph: AssetGraph): ListedOp[] {
  return graph.dbtOps.map((o) => ({ name: o.name, kind: 'dbt_assets', file: relativePath(graph.root, o.location.file), line: o.location.line, runs: o.models }));
}

/** `1 warning`, `2 warnings`. */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
