import type { CliArgs, CliIo } from './cliIo';
import { flagString, flagStrings } from './cliIo';
import { isFolder } from './listCommand';
import { loadWorkspace } from '../core/engine/materializeWorkspace';
import { findAsset } from '../core/engine/materializationPlan';
import { findTarget } from '../core/project/targets';
import { TargetConnectionError } from '../core/engine/targetConnection';
import { assetRelation } from '../core/data/assetRelation';
import { DataReadError, readPage } from '../core/data/dataReader';
import type { ColumnFilter, SortKey } from '../core/data/dataView';
import { parseFilterText, parseSortText } from '../core/data/viewText';
import { dataTableText } from './dataTableText';

const DEFAULT_LIMIT = 20;

/**
 * `asset-studio preview KEY [--target T] [--limit N] [--sort COL[:desc]]
 * [--where COL=VALUE]... [--json]`: the rows an asset built, read-only.
 */
export async function runPreviewCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  const fail = (message: string, code = 2) => {
    io.stderr.write(`asset-studio preview: ${message}\n`);
    return code;
  };
  const key = args.positionals[0];
  if (!key || args.positionals.length > 1) return fail('give one asset, e.g. asset-studio preview raw/taxi_trips --limit 10');
  if (!isFolder(root)) return fail(`${root} is not a folder; pass the workspace with --root DIR`);
  const limitText = flagString(args, 'limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isSafeInteger(limit) || limit < 0) return fail(`--limit ${limitText}: give a whole number of rows ≥ 0`);
  const sort: SortKey[] = [];
  for (const text of flagStrings(args, 'sort')) {
    const s = parseSortText(text);
    if (typeof s === 'string') return fail(s);
    sort.push(s);
  }
  const filters: ColumnFilter[] = [];
  for (const text of flagStrings(args, 'where')) {
    const f = parseFilterText(text);
    if (typeof f === 'string') return fail(f);
    filters.push(f);
  }

  const workspace = await loadWorkspace(root, io.env);
  const node = findAsset(workspace.graph, key);
  if (!node) return fail(`no asset '${key}' in the workspace (asset-studio list shows them)`);
  const target = findTarget(workspace.targets, flagString(args, 'target') ?? workspace.targets.defaultTarget);
  if (typeof target === 'string') return fail(target);
  const relation = await assetRelation(node, target, io.env);
  if (!relation.ok) return fail(relation.message, 1);

  let page;
  try {
    page = await readPage(target, { projectRoot: root, env: io.env }, { source: { kind: 'relation', relation: relation.relation }, view: { sort, filters }, offset: 0, limit, count: true });
  } catch (err) {
    if (err instanceof DataReadError || err instanceof TargetConnectionError) return fail(`${node.id} on target '${target.name}': ${err.message}`, 1);
    throw err;
  }
  if (args.flags.get('json') === true) {
    const rows = page.rows.map((r) => Object.fromEntries(page.columns.map((c, i) => [c.name, r[i]])));
    const json = { target: target.name, relation: relation.relation, columns: page.columns.map((c) => ({ name: c.name, type: c.type })), rows, total_rows: page.totalRows, sql: page.sql };
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(dataTableText(page.columns, page.rows));
  const shown = page.rows.length === 0 ? 'no rows' : `rows 1–${page.rows.length} of ${(page.totalRows ?? page.rows.length).toLocaleString('en-US')}`;
  io.stdout.write(`${shown} · ${relation.relation} on '${target.name}'\n${page.sql}\n`);
  return 0;
}
