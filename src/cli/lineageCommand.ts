import type { CliArgs, CliIo } from './cliIo';
import { flagString } from './cliIo';
import { isFolder } from './listCommand';
import { loadWorkspace } from '../core/engine/materializeWorkspace';
import { findAsset } from '../core/engine/materializationPlan';
import { findTarget } from '../core/project/targets';
import { columnLineageOnTarget } from '../core/lineage/targetColumnLineage';

/**
 * `asset-studio lineage KEY [--column C] [--target T] [--json]`: for each
 * output column of a SQL asset or a dbt model (its compiled SQL), the upstream columns it is computed from;
 * with --column, that column's sources and the dependents' columns built from it.
 */
export async function runLineageCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  const fail = (message: string, code = 2) => {
    io.stderr.write(`asset-studio lineage: ${message}\n`);
    return code;
  };
  const key = args.positionals[0];
  if (!key || args.positionals.length > 1) return fail('give one asset, e.g. asset-studio lineage analytics/daily_trips --column trips');
  if (!isFolder(root)) return fail(`${root} is not a folder; pass the workspace with --root DIR`);
  const workspace = await loadWorkspace(root, io.env);
  const node = findAsset(workspace.graph, key);
  if (!node) return fail(`no asset '${key}' in the workspace (asset-studio list shows them)`);
  const target = findTarget(workspace.targets, flagString(args, 'target') ?? workspace.targets.defaultTarget);
  if (typeof target === 'string') return fail(target);
  const reader = columnLineageOnTarget(workspace.graph, target, { projectRoot: root, env: io.env });
  let lineage;
  try {
    lineage = await reader.lineageOf(node.id);
  } catch (err) {
    return fail(`${node.definition.location.file}: ${err instanceof Error ? err.message : String(err)}`, 1);
  }
  const wanted = flagString(args, 'column');
  const columns = wanted === undefined ? lineage.columns : lineage.columns.filter((c) => c.name.toLowerCase() === wanted.toLowerCase());
  if (wanted !== undefined && columns.length === 0) {
    return fail(`${node.id} has no output column '${wanted}'; its columns: ${lineage.columns.map((c) => c.name).join(', ')}`, 1);
  }
  const dependents = wanted !== undefined ? await reader.dependentsOf(node.id, columns[0]!.name) : undefined;
  if (args.flags.get('json') === true) {
    const json = { asset: node.id, target: target.name, columns, ...(dependents ? { dependents } : {}), notes: lineage.notes };
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...columns.map((c) => c.name.length));
  for (const c of columns) {
    const from = c.sources.length === 0 ? '(no upstream column)' : c.sources.map((s) => `${s.asset}.${s.column}`).join(', ');
    io.stdout.write(`${c.name.padEnd(width)}  ← ${from}  ${c.kind}\n`);
  }
  if (dependents) {
    io.stdout.write(dependents.length === 0 ? 'no dependent column reads it\n' : `read by: ${dependents.map((d) => `${d.asset}.${d.column} (${d.kind})`).join(', ')}\n`);
  }
  for (const n of lineage.notes) io.stdout.write(`note: ${n}\n`);
  return 0;
}
