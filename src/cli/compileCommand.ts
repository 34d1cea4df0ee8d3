import { parseDbtVars } from '../core/dbt/dbtVarsFlag';
import type { CliArgs, CliIo } from './cliIo';
import { flagString } from './cliIo';
import { loadWorkspace } from '../core/engine/materializeWorkspace';
import { findAsset } from '../core/engine/materializationPlan';
import { findTarget } from '../core/project/targets';
import { compiledSqlOf } from '../core/dbt/dbtCompiledSql';
import { relativePath } from './assetListing';
import { isFolder } from './listCommand';

/** `asset-studio compile KEY [--target T] [--vars YAML] [--json] [--root DIR]`: a dbt model's SQL as it runs on the target. */
export async function runCompileCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  const key = args.positionals[0];
  if (!key || args.positionals.length > 1) {
    io.stderr.write('asset-studio compile: give one dbt model, e.g. asset-studio compile orders\n');
    return 2;
  }
  if (!isFolder(root)) {
    io.stderr.write(`asset-studio compile: ${root} is not a folder; pass the workspace with --root DIR\n`);
    return 2;
  }
  const workspace = await loadWorkspace(root, io.env);
  const node = findAsset(workspace.graph, key);
  if (!node) {
    io.stderr.write(`asset-studio compile: no asset '${key}' in the workspace\n`);
    return 2;
  }
  const target = findTarget(workspace.targets, flagString(args, 'target') ?? workspace.targets.defaultTarget);
  if (typeof target === 'string') {
    io.stderr.write(`asset-studio compile: ${target}\n`);
    return 2;
  }
  const varsText = flagString(args, 'vars');
  const vars = varsText === undefined ? undefined : parseDbtVars(varsText);
  if (vars && !vars.ok) {
    io.stderr.write(`asset-studio compile: ${vars.message}\n`);
    return 2;
  }
  const compiled = await compiledSqlOf(node, target, { projectRoot: root, env: io.env, ...(vars ? { vars: vars.vars } : {}) });
  if (!compiled.ok) {
    const p = compiled.problem;
    io.stderr.write(`${relativePath(root, p.file)}:${p.line}: ${p.message}\n`);
    return 1;
  }
  if (args.flags.get('json') === true) {
    const { sql, relation, materialized, isIncremental } = compiled;
    io.stdout.write(`${JSON.stringify({ key: node.id, target: target.name, relation, materialized, is_incremental: isIncremental, sql }, null, 2)}\n`);
  } else {
    io.stdout.write(compiled.sql.endsWith('\n') ? compiled.sql : `${compiled.sql}\n`);
  }
  return 0;
}
