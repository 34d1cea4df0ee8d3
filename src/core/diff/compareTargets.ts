import type { AssetNode } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import { findTarget } from '../project/targets';
import type { LoadedWorkspace } from '../engine/materializeWorkspace';
import type { ResolvedTargets } from '../project/targets';
import { findAsset, planMaterialization } from '../engine/materializationPlan';
import { parseSelection } from '../engine/selection';
import { AssetRelations, diffKeyOf } from './assetRelation';
import type { DiffSession, RelationDiff } from './relationDiff';
import { RelationDiffError, openDiffSession } from './relationDiff';

/** A compare that cannot start: unknown target or asset, a bad selection. Nothing was read. */
export class CompareRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompareRefused';
  }
}

export interface CompareOptions {
  /** Columns to match rows on; default: the asset's unique_key or `unique` check, else keyless. */
  readonly key?: readonly string[];
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One asset of a promotion preview. */
export interface PromotionEntry {
  readonly key: string;
  readonly relation?: string;
  /**
   * `changed`/`unchanged`: on both sides; `new`: only on the from side (promoting creates it);
   * `not-built`: not on the from side (nothing to promote); `error`: could not be compared.
   */
  readonly status: 'changed' | 'unchanged' | 'new' | 'not-built' | 'error';
  readonly diff?: RelationDiff;
  readonly error?: string;
}

export interface PromotionPreview {
  readonly from: string;
  readonly to: string;
  readonly assets: readonly PromotionEntry[];
}

/** What a compare needs of a workspace: the CLI's loaded one, or the editor's index and targets. */
export type CompareWorkspace = Pick<LoadedWorkspace, 'root' | 'graph'> & { readonly targets: Pick<ResolvedTargets, 'targets'> };

function targetsFor(workspace: CompareWorkspace, from: string, to: string): { from: TargetConfig; to: TargetConfig } {
  const f = findTarget(workspace.targets, from);
  if (typeof f === 'string') throw new CompareRefused(f);
  const t = findTarget(workspace.targets, to);
  if (typeof t === 'string') throw new CompareRefused(t);
  return { from: f, to: t };
}

async function withSession<T>(workspace: CompareWorkspace, from: string, to: string, opts: CompareOptions, fn: (s: DiffSession) => Promise<T>): Promise<T> {
  const targets = targetsFor(workspace, from, to);
  const session = await openDiffSession(targets.from, targets.to, { projectRoot: workspace.root, token: opts.token, env: opts.env });
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}

/** One asset's relation on two targets, row by row when it has a key. */
export async function compareAsset(workspace: CompareWorkspace, keyText: string, from: string, to: string, opts: CompareOptions = {}): Promise<RelationDiff> {
  const node = findAsset(workspace.graph, keyText);
  if (!node) throw new CompareRefused(`No asset '${keyText}' in the workspace.`);
  const targets = targetsFor(workspace, from, to);
  const relations = new AssetRelations(opts.env);
  const [fromRel, toRel] = await Promise.all([relations.of(node, targets.from), relations.of(node, targets.to)]);
  if (!fromRel.ok) throw new CompareRefused(fromRel.error);
  if (!toRel.ok) throw new CompareRefused(toRel.error);
  return withSession(workspace, from, to, opts, (s) => s.diff(fromRel.relation, toRel.relation, { key: opts.key && opts.key.length > 0 ? opts.key : diffKeyOf(node) }));
}

/** What materializing a selection on `to` would change, asset by asset, compared with what `from` has. */
export async function previewPromotion(
  workspace: CompareWorkspace,
  selections: readonly string[],
  from: string,
  to: string,
  opts: CompareOptions = {},
): Promise<PromotionPreview> {
  const terms = selections.flatMap((s) => parseSelection(s));
  if (terms.length === 0) throw new CompareRefused('Nothing selected: give an asset key, +KEY, KEY+, group:NAME or *.');
  let nodes: AssetNode[];
  try {
    nodes = planMaterialization(workspace.graph, terms).assets.map((a) => a.node);
  } catch (err) {
    throw new CompareRefused(err instanceof Error ? err.message : String(err));
  }
  const targets = targetsFor(workspace, from, to);
  const relations = new AssetRelations(opts.env);
  return withSession(workspace, from, to, opts, async (session) => {
    const assets: PromotionEntry[] = [];
    for (const node of nodes) assets.push(await previewOne(session, relations, node, targets, opts));
    return { from, to, assets };
  });
}

async function previewOne(
  session: DiffSession,
  relations: AssetRelations,
  node: AssetNode,
  targets: { from: TargetConfig; to: TargetConfig },
  opts: CompareOptions,
): Promise<PromotionEntry> {
  const fromRel = await relations.of(node, targets.from);
  const toRel = await relations.of(node, targets.to);
  if (!fromRel.ok) return { key: node.id, status: 'error', error: fromRel.error };
  if (!toRel.ok) return { key: node.id, status: 'error', error: toRel.error };
  const relation = `${toRel.relation.schema}.${toRel.relation.name}`;
  try {
    // Samples are for one asset's view; the preview needs the counts only.
    const diff = await session.diff(fromRel.relation, toRel.relation, { key: opts.key && opts.key.length > 0 ? opts.key : diffKeyOf(node), sampleLimit: 0 });
    return { key: node.id, relation, status: differs(diff) ? 'changed' : 'unchanged', diff };
  } catch (err) {
    if (err instanceof RelationDiffError && err.reason === 'missing-relation') {
      return err.side === 'to'
        ? { key: node.id, relation, status: 'new', error: `not in '${targets.to.name}' yet: materializing it there creates it` }
        : { key: node.id, relation, status: 'not-built', error: `not built in '${targets.from.name}': nothing to promote (${err.message})` };
    }
    return { key: node.id, relation, status: 'error', error: err instanceof Error ? err.message : String(err) };
  }
}

/** Anything a promotion would change: schema, row count, or rows. */
export function differs(diff: RelationDiff): boolean {
  const s = diff.schema;
  const r = diff.rows;
  return s.added.length + s.removed.length + s.retyped.length > 0 || r.from !== r.to || r.onlyInFrom > 0 || r.onlyInTo > 0 || (r.changed ?? 0) > 0;
}
