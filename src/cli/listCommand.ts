import { existsSync, statSync } from 'node:fs';
import type { CliArgs, CliIo } from './cliIo';
import type { AssetGraph } from '../core/graph/assetGraph';
import type { Problem } from '../core/problem';
import { counted, formatProblem, listAssets, listOps, listProblems } from './assetListing';
import { discoveryCacheOf, listWorkspace } from './listWorkspace';

/** `asset-studio list [--json] [--cache FILE] [--root DIR]`: every asset of the one graph, and the definition problems. */
export async function runListCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  if (!isFolder(root)) {
    io.stderr.write(`asset-studio list: ${root} is not a folder; pass the workspace with --root DIR\n`);
    return 2;
  }
  // The same problems as validate and materialize report, so every command reports one set.
  const { graph, problems, cacheSaved } = await listWorkspace(root, io, discoveryCacheOf(args, io));
  printList(args, root, io, graph, problems);
  await cacheSaved;
  return 0;
}

function printList(args: CliArgs, root: string, io: CliIo, graph: AssetGraph, problems: readonly Problem[]): void {
  if (args.flags.has('json')) {
    io.stdout.write(`${JSON.stringify({ assets: listAssets(graph), problems: listProblems(root, problems), ops: listOps(graph) }, null, 2)}\n`);
    return;
  }
  const assets = listAssets(graph);
  const rows = assets.map((a) => [
    a.key,
    a.external && a.source !== 'external' ? `${a.source} (external)` : a.source,
    a.kind ?? '',
    a.group ?? '',
    a.deps.length > 0 ? a.deps.map((d) => (d.inferred ? `${d.key} (inferred)` : d.key)).join(', ') : '-',
    String(a.checks.length),
    a.file ? `${a.file}:${a.line}` : '(external)',
  ]);
  io.stdout.write(table(['ASSET', 'SOURCE', 'KIND', 'GROUP', 'DEPENDS ON', 'CHECKS', 'DEFINED AT'], rows));
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  if (problems.length > 0) {
    io.stdout.write('\n');
    for (const p of problems) io.stdout.write(`${formatProblem(root, p)}\n`);
  }
  const external = assets.filter((a) => a.external).length;
  for (const op of listOps(graph)) {
    io.stdout.write(`\nDagster op ${op.name} (@dbt_assets, ${op.file}:${op.line}) runs the ${op.runs.length} dbt models above; it is not an asset\n`);
  }
  if (assets.some((a) => a.deps.some((d) => d.inferred))) {
    io.stdout.write('\n(inferred): a dependency matched by the last part of its key alone, not by its exact key or a link; check it is the one meant\n');
  }
  io.stdout.write(`\n${counted(assets.length - external, 'asset')}, ${external} external, ${counted(errors, 'error')}, ${counted(warnings, 'warning')}\n`);
}

export function isFolder(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function table(header: string[], rows: string[][]): string {
  // The dependency column is the one that grows; cap it so a row stays on a screen.
  const cap = (s: string, i: number) => (i === 4 && s.length > 60 ? `${s.slice(0, 57)}...` : s);
  const cells = [header, ...rows].map((r) => r.map(cap));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd() + '\n').join('');
}
