import type { AssetRunOutcome, CheckOutcome } from '../core/editorModel/assetRunOutcome';
import type { CheckResult } from '../core/engine/checkQueries';
import type { AssetRunResult, EngineEvent } from '../core/engine/engineEvents';
import { planMaterialization } from '../core/engine/materializationPlan';
import { runPlan } from '../core/engine/planRunner';
import { parseSelection } from '../core/engine/selection';
import type { CoreAccess, RunEventView } from './coreAccess';
import { discoveryCacheFileFor } from '../core/discovery/discoveryCache';
import { WorkspaceIndex } from '../core/discovery/workspaceIndex';
import { loadProjectFile } from '../core/project/projectFile';
import { targetsOf } from '../core/project/workspaceTargets';
import { readAssetStates } from '../core/engine/assetStates';
import { readRecentRuns } from '../core/engine/recentRuns';
import { probeDuckDb } from '../core/engine/duckdbProbe';
import { createDelegatedRunner } from '../core/engine/delegated/delegatedAssetRunner';
import { compiledSqlOf } from '../core/dbt/dbtCompiledSql';
import { compareTargets } from '../core/diff/compareReport';

export function checkOutcomeOf(r: CheckResult): CheckOutcome {
  return {
    name: r.name,
    passed: r.passed,
    severity: r.severity,
    failingRows: r.failingRows,
    sampleRows: r.samples,
    durationMs: r.durationMs,
    ...(r.failure ? { failure: r.failure } : {}),
    error: r.error,
  };
}

export function runOutcomeOf(r: AssetRunResult, cancelled: boolean): AssetRunOutcome {
  return {
    key: r.key,
    status: cancelled && r.status !== 'success' ? 'cancelled' : r.status,
    rows: r.rows ?? undefined,
    durationMs: r.durationMs,
    error: r.error,
    errorLine: r.location?.line,
    checks: r.checks.map(checkOutcomeOf),
  };
}

function eventView(e: EngineEvent): RunEventView | undefined {
  switch (e.type) {
    case 'statement':
      return { kind: 'statement', key: e.asset, sql: e.sql };
    case 'asset-started':
      return { kind: 'asset-started', key: e.asset };
    case 'asset-finished':
      return { kind: 'asset-finished', outcome: runOutcomeOf(e.result, false) };
    case 'log':
      return { kind: 'output', key: e.asset, line: e.message };
    case 'check':
      return undefined;
  }
}

/**
 * The real core behind the extension's seam. `cacheDir` (the extension's storage) keeps each
 * folder's discovery cache, so that a start after the first reads only the files that changed.
 */
export function createCoreAccess(options: { readonly cacheDir?: string } = {}): CoreAccess {
  return {
    probeDuckDb,
    openIndex: (root, open) =>
      WorkspaceIndex.open(root, options.cacheDir ? { cacheFile: discoveryCacheFileFor(options.cacheDir, root), freshCache: open?.fresh === true } : {}),
    async loadTargets(root, graph) {
      const project = await loadProjectFile(root);
      return targetsOf(project.config, graph);
    },
    readStates: (root, graph, target, token) => readAssetStates(target, graph, { projectRoot: root, token }),
    readRecentRuns: (root, key, target, token) => readRecentRuns(target, key, { projectRoot: root, token }),
    async run(request) {
      const plan = planMaterialization(request.graph, request.selections.flatMap((s) => parseSelection(s)));
      const result = await runPlan(plan, request.graph, request.target, {
        projectRoot: request.root,
        token: request.token,
        signal: request.signal,
        checksOnly: request.checksOnly,
        deferTo: request.deferTo,
        dbtRunner: request.dbtRunner ?? (await loadProjectFile(request.root)).config.dbtRunner,
        // Dagster and dbt assets run with the workspace's own tools and the chosen interpreter (docs/dagster-and-dbt.md).
        delegated: createDelegatedRunner({ python: request.pythonPath }),
        onEvent: (e) => {
          const view = eventView(e);
          if (view) request.onEvent(view);
        },
      });
      return result.runs.map((r) => runOutcomeOf(r, result.cancelled));
    },
    compileSql: (root, node, target, token) => compiledSqlOf(node, target, { projectRoot: root, token }),
    compare: (request) => compareTargets(request),
  };
}
