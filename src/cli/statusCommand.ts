import type { CliArgs, CliIo } from './cliIo';
import { flagString } from './cliIo';
import { isFolder } from './listCommand';
import { loadWorkspace } from '../core/engine/materializeWorkspace';
import type { AssetState } from '../core/engine/assetStates';
import { readAssetStates } from '../core/engine/assetStates';
import { planMaterialization } from '../core/engine/materializationPlan';
import { parseSelection } from '../core/engine/selection';
import { TargetConnectionError } from '../core/engine/targetConnection';
import type { AssetDrift } from '../core/engine/targetDrift';
import { driftText, targetDrift } from '../core/engine/targetDrift';
import { stateText } from '../core/editorModel/assetLensText';
import type { TargetConfig } from '../core/project/targetConfig';

/**
 * `asset-studio status [SELECTION...] [--target T] [--against T] [--json]`: what
 * each asset is on a target (fresh, stale, failed, never; rows, age), and with
 * `--against`, how it stands against another target: the same definition built
 * on both, another one, or built on one side only. Reads both, writes neither.
 */
export async function runStatusCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  if (!isFolder(root)) {
    io.stderr.write(`asset-studio status: ${root} is not a folder; pass the workspace with --root DIR\n`);
    return 2;
  }
  const json = args.flags.get('json') === true;
  const workspace = await loadWorkspace(root, io.env);
  const pick = (name: string | undefined): TargetConfig | undefined => workspace.targets.targets.find((t) => t.name === (name ?? workspace.targets.defaultTarget));
  const target = pick(flagString(args, 'target'));
  const againstName = flagString(args, 'against');
  const against = againstName === undefined ? undefined : pick(againstName);
  for (const [flag, name, found] of [['--target', flagString(args, 'target') ?? workspace.targets.defaultTarget, target], ['--against', againstName, against]] as const) {
    if (name !== undefined && !found) {
      io.stderr.write(`asset-studio status: no target '${name}' (${flag}); the targets are ${workspace.targets.targets.map((t) => t.name).join(', ')}\n`);
      return 2;
    }
  }
  const keys = args.positionals.length > 0 ? planMaterialization(workspace.graph, args.positionals.flatMap((p) => parseSelection(p))).assets.map((a) => a.id) : undefined;
  const read = (t: TargetConfig) => readAssetStates(t, workspace.graph, { projectRoot: workspace.root, env: io.env });
  let here: Map<string, AssetState>;
  let there: Map<string, AssetState> | undefined;
  try {
    here = await read(target!);
    there = against ? await read(against) : undefined;
  } catch (err) {
    if (err instanceof TargetConnectionError) {
      io.stderr.write(`asset-studio status: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const shown = (keys ?? [...here.keys()].sort()).filter((k) => here.has(k));
  const drift = there ? new Map(targetDrift(workspace.graph, here, there, shown).map((d) => [d.key, d] as const)) : undefined;
  if (json) {
    io.stdout.write(`${JSON.stringify(statusJson(target!.name, against?.name, shown, here, there, drift), null, 2)}\n`);
    return 0;
  }
  const now = Date.now();
  const rows = shown.map((k) => [k, stateText(here.get(k), now), ...(drift && against ? [driftText(drift.get(k)!, against.name)] : [])]);
  const head = ['ASSET', `ON ${target!.name.toUpperCase()}`, ...(against ? [`AGAINST ${against.name.toUpperCase()}`] : [])];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) io.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('')}\n`);
  return 0;
}

/** docs/cli.md: each asset's state on the target, and its drift against the other one. */
function statusJson(
  target: string,
  against: string | undefined,
  keys: readonly string[],
  here: ReadonlyMap<string, AssetState>,
  there: ReadonlyMap<string, AssetState> | undefined,
  drift: ReadonlyMap<string, AssetDrift> | undefined,
): unknown {
  const side = (s: AssetState | undefined) => ({
    status: s?.status ?? 'never',
    rows: s?.rows ?? null,
    finished_at: s?.finishedAt !== undefined ? new Date(s.finishedAt).toISOString() : null,
    stale_reason: s?.staleReason ?? null,
    error: s?.error ?? null,
    built_by: s?.builtBy ?? null,
  });
  return {
    target,
    ...(against ? { against } : {}),
    assets: keys.map((k) => ({
      key: k,
      ...side(here.get(k)),
      ...(there && drift ? { against: { ...side(there.get(k)), drift: drift.get(k)!.kind } } : {}),
    })),
  };
}
