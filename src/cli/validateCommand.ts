import type { CliArgs, CliIo } from './cliIo';
import { loadWorkspace } from '../core/engine/materializeWorkspace';
import { counted, formatProblem, relativePath } from './assetListing';
import { isFolder } from './listCommand';

/** `asset-studio validate [--json] [--root DIR]`: definition problems; exit 1 on any error-level one. */
export async function runValidateCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  if (!isFolder(root)) {
    io.stderr.write(`asset-studio validate: ${root} is not a folder; pass the workspace with --root DIR\n`);
    return 2;
  }
  // The same load as materialize: definition problems and target problems (unknown default, dbt profiles).
  const { graph, problems: all } = await loadWorkspace(root, io.env);
  const errors = all.filter((p) => p.severity === 'error').length;
  const warnings = all.filter((p) => p.severity === 'warning').length;
  const assets = [...graph.nodes.values()].filter((n) => n.definition.source !== 'external').length;
  if (args.flags.has('json')) {
    const problems = all.map((p) => ({
      file: relativePath(root, p.file),
      line: p.line,
      column: p.column,
      severity: p.severity,
      code: p.code,
      message: p.message,
    }));
    io.stdout.write(`${JSON.stringify({ valid: errors === 0, assets, errors, warnings, problems }, null, 2)}\n`);
  } else {
    for (const p of all) io.stdout.write(`${formatProblem(root, p)}\n`);
    io.stdout.write(
      errors === 0
        ? `ok: ${counted(assets, 'asset')}, ${counted(warnings, 'warning')}\n`
        : `failed: ${counted(errors, 'error')}, ${counted(warnings, 'warning')} in ${counted(assets, 'asset')}\n`,
    );
  }
  return errors > 0 ? 1 : 0;
}
