import type { CliArgs, CliIo } from './cliIo';
import { flagString } from './cliIo';
import { isFolder } from './listCommand';
import { loadWorkspace } from '../core/engine/materializeWorkspace';
import { findTarget } from '../core/project/targets';
import { TargetConnectionError } from '../core/engine/targetConnection';
import { DataReadError, readPage } from '../core/data/dataReader';
import type { DataValue } from '../core/data/dataValue';
import { resolveQueryTemplates } from '../core/data/queryTemplates';
import { graphTemplateLookup } from '../core/data/queryRelations';
import { dataTableText } from './dataTableText';

const DEFAULT_LIMIT = 1000;

/**
 * `asset-studio query "SQL" [--target T] [--limit N] [--json|--csv]`: one
 * read-only statement on a target; `{{ ref('asset') }}` names an asset's table.
 */
export async function runQueryCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  const fail = (message: string, code = 2) => {
    io.stderr.write(`asset-studio query: ${message}\n`);
    return code;
  };
  const sql = args.positionals[0];
  if (sql === undefined || args.positionals.length > 1) return fail('give one query in quotes, e.g. asset-studio query "select count(*) from raw.zones"');
  if (!isFolder(root)) return fail(`${root} is not a folder; pass the workspace with --root DIR`);
  const limitText = flagString(args, 'limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isSafeInteger(limit) || limit < 0) return fail(`--limit ${limitText}: give a whole number of rows ≥ 0`);
  if (args.flags.get('json') === true && args.flags.get('csv') === true) return fail('choose --json or --csv, not both');

  const workspace = await loadWorkspace(root, io.env);
  const target = findTarget(workspace.targets, flagString(args, 'target') ?? workspace.targets.defaultTarget);
  if (typeof target === 'string') return fail(target);
  let page;
  try {
    const resolved = await resolveQueryTemplates(sql, graphTemplateLookup(workspace.graph, target, undefined, io.env));
    page = await readPage(target, { projectRoot: root, env: io.env }, { source: { kind: 'query', sql: resolved }, view: {}, offset: 0, limit, count: true });
  } catch (err) {
    // Bad SQL, a write refused, a missing table, an unknown template, a locked file: all the user's to fix.
    if (err instanceof DataReadError || err instanceof TargetConnectionError || err instanceof Error) return fail(`on target '${target.name}': ${err.message}`, 1);
    throw err;
  }
  if (args.flags.get('json') === true) {
    const rows = page.rows.map((r) => Object.fromEntries(page.columns.map((c, i) => [c.name, r[i]])));
    io.stdout.write(`${JSON.stringify({ target: target.name, columns: page.columns.map((c) => ({ name: c.name, type: c.type })), rows, total_rows: page.totalRows, sql: page.sql }, null, 2)}\n`);
    return 0;
  }
  if (args.flags.get('csv') === true) {
    io.stdout.write(`${page.columns.map((c) => csvField(c.name)).join(',')}\n`);
    for (const r of page.rows) io.stdout.write(`${r.map((v) => csvField(v)).join(',')}\n`);
    return 0;
  }
  io.stdout.write(dataTableText(page.columns, page.rows));
  const total = page.totalRows ?? page.rows.length;
  io.stdout.write(`${page.rows.length === total ? `${total.toLocaleString('en-US')} rows` : `rows 1–${page.rows.length} of ${total.toLocaleString('en-US')} (--limit)`} on '${target.name}'\n`);
  return 0;
}

/** RFC 4180: NULL is an empty field, '' a quoted empty string, nested values JSON. */
function csvField(value: DataValue): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
