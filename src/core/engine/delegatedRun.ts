// Dagster assets and dbt nodes built by their own tool, alone or several in one run of it.
import type { AssetNode } from '../graph/assetGraph';
import type { PlanContext } from './buildContext';
import { messageOf, ms } from './buildContext';
import type { AssetRunResult, AssetRunStatus } from './engineEvents';
import type { PlannedAsset } from './materializationPlan';
import type { DelegatedOutcome, DelegatedRunContext } from './runOptions';

/** What a Dagster/dbt run is given of this run: the target, the environment and token for the tool, cancellation, events. */
function delegatedContext(ctx: PlanContext): DelegatedRunContext {
  return {
    target: ctx.target,
    projectRoot: ctx.opts.projectRoot,
    ...(ctx.opts.env ? { env: ctx.opts.env } : {}),
    ...(ctx.opts.token ? { token: ctx.opts.token } : {}),
    signal: ctx.opts.signal,
    onEvent: ctx.emit,
  };
}

function warnNotDeferred(id: string, ctx: PlanContext): void {
  if (ctx.defer) ctx.emit({ type: 'log', level: 'warn', asset: id, message: `${id} runs with its own tool: --defer does not reach it; it reads ${ctx.target.name} only.` });
}

export async function runDelegatedAsset(node: AssetNode, ctx: PlanContext): Promise<AssetRunResult> {
  const started = performance.now();
  const id = node.id;
  ctx.emit({ type: 'asset-started', asset: id });
  warnNotDeferred(id, ctx);
  try {
    const r = await ctx.opts.delegated!(node, delegatedContext(ctx));
    for (const c of r.checks) ctx.emit({ type: 'check', asset: id, result: c });
    return { key: id, status: r.status, rows: r.rows ?? null, durationMs: ms(started), ...(r.error ? { error: r.error } : {}), checks: r.checks, ...toolOf(node, r.status) };
  } catch (err) {
    return { key: id, status: 'failed', rows: null, durationMs: ms(started), error: messageOf(err), checks: [], ...toolOf(node, 'failed') };
  }
}

/**
 * Several delegated nodes of one tool in one run of it (`dbt build --select a b c`,
 * `dagster asset materialize --select a,b,c`), once every upstream outside the
 * group is done. A member whose upstream failed is skipped and left out, with
 * what depends on it inside the group; the tool orders and skips the rest.
 */
export async function runDelegatedSegment(
  members: readonly PlannedAsset[],
  ctx: PlanContext,
  doneOf: (id: string) => Promise<AssetRunResult>,
  started: (id: string) => void,
  exclusive: <T>(run: () => Promise<T>) => Promise<T>,
): Promise<ReadonlyMap<string, AssetRunResult>> {
  // Every asset of the plan has its promise once the scheduling loop has run.
  await Promise.resolve();
  const inside = new Set(members.map((m) => m.id));
  const results = new Map<string, AssetRunResult>();
  const outside = [...new Set(members.flatMap((m) => [...m.waitsFor, ...m.checksRead]).filter((u) => !inside.has(u)))];
  const finished = new Map((await Promise.all(outside.map((u) => doneOf(u)))).map((r) => [r.key, r] as const));
  const toRun: PlannedAsset[] = [];
  for (const m of members) {
    const blocker = m.waitsFor.map((u) => finished.get(u) ?? results.get(u)).find((r) => r !== undefined && r.status !== 'success');
    if (blocker || ctx.opts.signal?.aborted) {
      const error = ctx.opts.signal?.aborted ? 'cancelled' : `upstream ${blocker!.key} ${blocker!.status}`;
      results.set(m.id, { key: m.id, status: 'skipped', rows: null, durationMs: 0, error, checks: [] });
    } else {
      toRun.push(m);
    }
  }
  if (toRun.length === 0) return results;
  const t0 = performance.now();
  for (const m of toRun) {
    started(m.id);
    ctx.emit({ type: 'asset-started', asset: m.id });
    warnNotDeferred(m.id, ctx);
  }
  ctx.emit({ type: 'log', level: 'info', message: `${toRun.map((m) => m.id).join(', ')}: one ${toRun[0]!.node.definition.source} run` });
  let outcomes: ReadonlyMap<string, DelegatedOutcome>;
  try {
    // Dagster/dbt open the database file themselves: release it while they run.
    outcomes = await exclusive(() => ctx.opts.delegated!.runBatch!(toRun.map((m) => m.node), delegatedContext(ctx)));
  } catch (err) {
    outcomes = new Map(toRun.map((m) => [m.id, { status: 'failed', error: messageOf(err), checks: [] }] as const));
  }
  const durationMs = ms(t0);
  for (const m of toRun) {
    const r = outcomes.get(m.id) ?? { status: 'failed', error: `the tool reported nothing for ${m.id}`, checks: [] };
    for (const c of r.checks) ctx.emit({ type: 'check', asset: m.id, result: c });
    results.set(m.id, { key: m.id, status: r.status, rows: r.rows ?? null, durationMs, ...(r.error ? { error: r.error } : {}), checks: r.checks, ...toolOf(m.node, r.status) });
  }
  return results;
}

/** The tool that ran a delegated asset, for its result; a skip (the tool's own) ran nothing. */
function toolOf(node: AssetNode, status: AssetRunStatus): Pick<AssetRunResult, 'runner'> {
  return status === 'skipped' ? {} : { runner: node.definition.source === 'dbt' ? 'dbt' : 'dagster' };
}
