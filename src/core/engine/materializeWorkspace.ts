import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AssetGraph } from '../graph/assetGraph';
import type { Problem } from '../problem';
import type { ProjectConfig } from '../project/projectConfig';
import type { TargetConfig } from '../project/targetConfig';
import { isProtectedTarget } from '../project/targetConfig';
import { findTarget } from '../project/targets';
import type { ResolvedTargets } from '../project/targets';
import { targetsOf } from '../project/workspaceTargets';
import { WorkspaceIndex } from '../discovery/workspaceIndex';
import type { RunResult } from './engineEvents';
import type { MaterializationPlan } from './materializationPlan';
import { planMaterialization } from './materializationPlan';
import { parseSelection } from './selection';
import type { RunOptions } from './runOptions';
import { runPlan } from './planRunner';
import { createDelegatedRunner } from './delegated/delegatedAssetRunner';

/** A refusal before anything ran: bad selection, unknown or protected target. */
export class MaterializeRefused extends Error {
  constructor(
    message: string,
    readonly reason: 'selection' | 'target' | 'protected',
  ) {
    super(message);
    this.name = 'MaterializeRefused';
  }
}

export interface LoadedWorkspace {
  readonly root: string;
  readonly project: ProjectConfig;
  readonly graph: AssetGraph;
  readonly targets: ResolvedTargets;
  /** Project file, discovery and target problems. */
  readonly problems: readonly Problem[];
}

/** Project file + discovery + targets (project, dbt profiles, default dev). */
export async function loadWorkspace(root: string, env?: Readonly<Record<string, string | undefined>>): Promise<LoadedWorkspace> {
  const abs = resolve(root);
  const index = await WorkspaceIndex.open(abs);
  const graph = index.graph;
  const loaded = index.loadedProject;
  const targets = targetsOf(loaded.config, graph, env);
  return { root: abs, project: loaded.config, graph, targets, problems: [...graph.problems, ...targets.problems] };
}

/** A run's options as the engine takes them, but the target and `--defer` by name, and the workspace loaded here. */
export interface MaterializeSelectionOptions
  extends Pick<RunOptions, 'checksOnly' | 'token' | 'env' | 'signal' | 'onEvent' | 'partitions' | 'delegated' | 'dbtRunner' | 'fullRefresh' | 'dbtVars'> {
  /** Target name; default: the project's default target. */
  readonly target?: string;
  /** Must name the target when it is protected (`--confirm prod`). */
  readonly confirm?: string;
  /** Interpreter for Dagster (and the dbt beside it); default `python3` on PATH; used when `delegated` is not given. */
  readonly pythonPath?: string;
  /** An already loaded workspace (the editor's index); default: load it now. */
  readonly workspace?: LoadedWorkspace;
  /** `--defer TARGET`: upstream relations the target lacks are read from TARGET, read-only. */
  readonly defer?: string;
  /**
   * Remove the built-in default database again when this run created it and wrote no asset to it
   * (the CLI: a failed run or a check leaves nothing in the user's project). The editor keeps it:
   * its lenses show a failed first run from the history stored there.
   */
  readonly dropUnusedDefaultDatabase?: boolean;
}

export interface MaterializeOutcome {
  readonly workspace: LoadedWorkspace;
  readonly target: TargetConfig;
  readonly plan: MaterializationPlan;
  readonly result: RunResult;
  /** The built-in default database, when this run created it (absolute path). */
  readonly createdDatabase?: string;
}

/**
 * What `asset-studio materialize` does: load the project, discover, resolve
 * targets, plan the selection and run it. Throws MaterializeRefused before
 * writing anything when the selection or the target is not acceptable.
 */
export async function materializeSelection(root: string, selections: readonly string[], opts: MaterializeSelectionOptions = {}): Promise<MaterializeOutcome> {
  const workspace = opts.workspace ?? (await loadWorkspace(root, opts.env));
  const name = opts.target ?? workspace.targets.defaultTarget;
  const target = findTarget(workspace.targets, name);
  if (typeof target === 'string') throw new MaterializeRefused(target, 'target');
  let deferTo: TargetConfig | undefined;
  if (opts.defer !== undefined) {
    const found = findTarget(workspace.targets, opts.defer);
    if (typeof found === 'string') throw new MaterializeRefused(`--defer: ${found}`, 'target');
    if (found.name === target.name) throw new MaterializeRefused(`--defer names the target being built ('${target.name}'): defer to another target.`, 'target');
    deferTo = found;
  }
  const terms = selections.flatMap((s) => parseSelection(s));
  if (terms.length === 0) throw new MaterializeRefused('Nothing selected: give an asset key, +KEY, KEY+, group:NAME or *.', 'selection');
  let plan: MaterializationPlan;
  try {
    plan = planMaterialization(workspace.graph, terms);
  } catch (err) {
    throw new MaterializeRefused(err instanceof Error ? err.message : String(err), 'selection');
  }
  const confirmed = opts.confirm === target.name;
  if (isProtectedTarget(target) && !confirmed && !opts.checksOnly) {
    throw new MaterializeRefused(
      `Target '${target.name}' is protected: nothing was written. Confirm by naming it (--confirm ${target.name}).`,
      'protected',
    );
  }
  const fresh = opts.dropUnusedDefaultDatabase ? freshDefaultDatabase(target) : undefined;
  const result = await runPlan(plan, workspace.graph, target, {
    projectRoot: workspace.root,
    token: opts.token,
    env: opts.env,
    signal: opts.signal,
    onEvent: opts.onEvent,
    checksOnly: opts.checksOnly,
    partitions: opts.partitions,
    dbtRunner: opts.dbtRunner ?? workspace.project.dbtRunner,
    fullRefresh: opts.fullRefresh,
    dbtVars: opts.dbtVars,
    deferTo,
    delegated: opts.delegated ?? createDelegatedRunner({ python: opts.pythonPath, token: opts.token }),
    // Checks on a protected target read only, unless confirmed: the file is opened read-only, nothing is stored.
    readOnly: opts.checksOnly && isProtectedTarget(target) && !confirmed,
  });
  const wrote = !opts.checksOnly && result.runs.some((r) => r.status === 'success');
  if (fresh && !wrote) fresh.remove();
  return { workspace, target, plan, result, ...(fresh && wrote ? { createdDatabase: fresh.path } : {}) };
}

/**
 * The built-in default database when it does not exist yet: a run that writes nothing to it (it
 * failed, or only checked) must not leave a database behind in the user's project.
 */
function freshDefaultDatabase(target: TargetConfig): { path: string; remove(): void } | undefined {
  if (target.from !== 'default' || target.type !== 'duckdb' || !target.path || existsSync(target.path)) return undefined;
  const path = target.path;
  const folder = dirname(path);
  const madeFolder = !existsSync(folder);
  return {
    path,
    remove() {
      for (const f of [path, `${path}.wal`]) rmSync(f, { force: true });
      try {
        if (madeFolder && readdirSync(folder).length === 0) rmdirSync(folder);
      } catch {
        // Someone else's files are in it now: it stays.
      }
    },
  };
}
