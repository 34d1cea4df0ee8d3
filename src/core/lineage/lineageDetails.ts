import { isAbsolute, relative } from 'node:path';
import type { AssetGraph } from '../graph/assetGraph';
import type { AssetStateView } from '../editorModel/assetRunOutcome';
import { checkFailureMessage } from '../editorModel/checkResultProblems';
import { couldNotRun } from '../editorModel/assetLensText';
import type { RecentRun } from '../engine/recentRuns';
import type { LineageAssetDetails, LineageCheckDetail } from '../../protocol/lineageMessages';

/**
 * The details pane's picture of one asset on a target: its definition, its
 * checks with their latest results, what it reads and feeds, and its last
 * runs. Undefined for a key the graph does not have.
 */
export function buildAssetDetails(
  graph: AssetGraph,
  key: string,
  state: AssetStateView | undefined,
  runs: readonly RecentRun[] | { readonly error: string },
  target: string | undefined,
): LineageAssetDetails | undefined {
  const node = graph.nodes.get(key);
  if (!node) return undefined;
  const def = node.definition;
  const file = def.location.file;
  const checks: LineageCheckDetail[] = node.checks.map((c) => {
    const result = state?.checks?.get(c.name);
    if (!result) return { name: c.name, severity: c.severity, status: 'not run' };
    if (result.passed) return { name: c.name, severity: c.severity, status: 'passed' };
    return {
      name: c.name,
      severity: c.severity,
      status: result.severity === 'warn' && !result.error ? 'warned' : 'failed',
      message: checkFailureMessage(key, result, target ?? ''),
    };
  });
  const relation = def.sql ? (def.sql.relation.schema ? `${def.sql.relation.schema}.${def.sql.relation.name}` : def.sql.relation.name) : undefined;
  return {
    key,
    source: def.source,
    ...(def.kind !== undefined ? { kind: def.kind } : {}),
    ...(def.group !== undefined ? { group: def.group } : {}),
    ...(def.description ? { description: def.description } : {}),
    ...(relation ? { relation } : {}),
    ...(file ? { file: isAbsolute(file) && graph.root ? relative(graph.root, file) : file } : {}),
    ...(def.location.line > 0 ? { line: def.location.line } : {}),
    ...(target !== undefined ? { target } : {}),
    state: couldNotRun(state) ? 'could-not-run' : (state?.status ?? 'never'),
    ...(state?.staleReason ? { staleReason: state.staleReason } : {}),
    ...(state?.status === 'failed' && state.error ? { error: state.error } : {}),
    checks,
    upstream: [...graph.upstreamOf(key)].sort(),
    downstream: [...graph.downstreamOf(key)].sort(),
    runs:
      'error' in runs
        ? []
        : runs.map((r) => ({
            status: r.status,
            ...(r.rows !== null ? { rows: r.rows } : {}),
            finishedAt: new Date(r.finishedAt).toISOString(),
            durationMs: Math.max(0, r.finishedAt - r.startedAt),
            ...(r.error ? { error: r.error } : {}),
          })),
    ...('error' in runs ? { runsError: runs.error } : {}),
  };
}
