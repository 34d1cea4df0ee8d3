import type { AssetNode, DbtOp } from '../graph/assetGraph';
import type { AssetStateView } from './assetRunOutcome';
import { builtByText, checkSummaryText, stateText, stateTooltip } from './assetLensText';
import type { EditorCommandId } from './editorCommandIds';

/** One lens above an asset: a title and the command it runs (empty command: a label). */
export interface AssetLensSpec {
  readonly title: string;
  readonly command: EditorCommandId | '';
  readonly args: readonly unknown[];
  readonly tooltip?: string;
}

/** Whether the editor can materialize this asset at all (external sources, dbt sources and AssetSpecs cannot). */
export function isMaterializable(node: AssetNode): boolean {
  const d = node.definition;
  if (d.source === 'external') return false;
  if (d.dagster?.external) return false;
  if (d.dbt && d.dbt.resourceType === 'source') return false;
  return true;
}

/**
 * Whether the engine can run this asset's checks. Wider than
 * isMaterializable: a dbt source is never built, but its tests run (through
 * `dbt build --select source:…`), as the engine's plan allows.
 */
export function canRunChecks(node: AssetNode): boolean {
  const d = node.definition;
  return node.checks.length > 0 && d.source !== 'external' && !d.dagster?.external;
}

/** Whether a materialization succeeded at some point on the target, so there are rows to preview (a later failure rolled back to them). */
export function hasBuiltData(state: AssetStateView | undefined): boolean {
  if (!state) return false;
  return state.status === 'fresh' || state.status === 'stale' || (state.status === 'failed' && state.rows !== undefined);
}

/**
 * The lenses above one asset (README), in order: ▶ Materialize · + upstream · Lineage · checks · state.
 * `compareWith` (the target a dev run defers to) adds Compare to an asset built on the current target.
 */
export function assetLenses(
  node: AssetNode,
  state: AssetStateView | undefined,
  targetName: string,
  nowMs: number,
  compareWith?: string,
): AssetLensSpec[] {
  const key = node.id;
  const lenses: AssetLensSpec[] = [];
  if (isMaterializable(node)) {
    lenses.push({
      title: '▶ Materialize',
      command: 'assetStudio.materialize',
      args: [key],
      tooltip: `Materialize ${key} on target '${targetName}'`,
    });
    lenses.push({
      title: '+ upstream',
      command: 'assetStudio.materializeWithUpstream',
      args: [key],
      tooltip: `Materialize ${key} and everything upstream of it on '${targetName}'`,
    });
  }
  if (isMaterializable(node) && hasBuiltData(state)) {
    lenses.push({ title: 'Preview', command: 'assetStudio.previewData', args: [key], tooltip: `Show the rows of ${key} on '${targetName}'` });
  }
  lenses.push({ title: 'Lineage', command: 'assetStudio.showLineage', args: [key], tooltip: `Show the lineage of ${key}` });
  if (node.definition.dbt?.resourceType === 'model') {
    lenses.push({ title: 'SQL', command: 'assetStudio.showCompiledSql', args: [key], tooltip: `Show the SQL ${key} compiles to on '${targetName}'` });
  }
  if (compareWith && isMaterializable(node) && (state?.status === 'fresh' || state?.status === 'stale')) {
    lenses.push({ title: 'Compare', command: 'assetStudio.compareWithTarget', args: [key, compareWith], tooltip: `Compare ${key} on '${targetName}' with '${compareWith}' (read only)` });
  }
  const summary = checkSummaryText(
    node.checks.map((c) => c.name),
    state?.checks,
  );
  if (summary) {
    lenses.push({
      title: summary,
      command: canRunChecks(node) ? 'assetStudio.runChecks' : '',
      args: [key],
      tooltip: `Run the checks of ${key} on '${targetName}'`,
    });
  }
  if (isMaterializable(node)) {
    // A dbt model can be built two ways: say which one made the data there.
    const by = node.definition.dbt ? builtByText(state) : undefined;
    lenses.push({
      title: by ? `${stateText(state, nowMs)} · ${by.short}` : stateText(state, nowMs),
      command: '',
      args: [],
      tooltip: by ? `${stateTooltip(state, targetName)} ${by.long}` : stateTooltip(state, targetName),
    });
  }
  return lenses;
}

/** A fingerprint of what the lenses of a file would show, to refresh only on a real change. */
export function lensFingerprint(parts: readonly AssetLensSpec[][]): string {
  return parts.map((lenses) => lenses.map((l) => `${l.command}|${l.title}|${l.args.join(',')}`).join(';')).join('\n');
}

/**
 * The lens above an `@dbt_assets` function: it is the op that runs the dbt models, not an asset,
 * so it says so (and opens the lineage of the models it runs) instead of offering to build itself.
 */
export function dbtOpLens(op: DbtOp): AssetLensSpec {
  const n = op.models.length;
  return {
    title: n > 0 ? `dbt op: runs ${n} dbt model${n === 1 ? '' : 's'}` : 'dbt op: runs dbt models (none in this workspace)',
    command: n > 0 ? 'assetStudio.showLineage' : '',
    args: n > 0 ? [op.models[0]] : [],
    tooltip: `${op.name} is a Dagster op, not an asset: it materializes ${n > 0 ? op.models.join(', ') : 'no dbt model found in the workspace'}`,
  };
}
