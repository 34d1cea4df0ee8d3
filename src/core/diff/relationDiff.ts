import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TargetConfig } from '../project/targetConfig';
import { motherDuckTokenFor } from '../project/motherDuckToken';
import { TargetConnectionError } from '../engine/targetConnection';
import { quoteIdent, quoteLiteral } from '../engine/sqlIdentifiers';
import { redactor } from '../engine/tokenRedaction';
import { targetDatabase } from '../dbt/dbtRelation';

/** A relation on one target: schema and name, as DuckDB's catalog has them. */
export interface RelationName {
  readonly schema: string;
  readonly name: string;
}

export interface ColumnType {
  readonly name: string;
  readonly type: string;
}

export interface RetypedColumn {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

/** One sample: a changed row (only the columns that changed, old → new) or a row found on one side only. */
export interface DiffSample {
  readonly change: 'changed' | 'only_in_from' | 'only_in_to';
  /** The key's values; null in a keyless diff. */
  readonly key: Readonly<Record<string, unknown>> | null;
  readonly from: Readonly<Record<string, unknown>> | null;
  readonly to: Readonly<Record<string, unknown>> | null;
}

/**
 * What differs between one relation on two targets, read as a promotion: `from`
 * (dev, say) is the side that would be put in place of `to` (prod). `added`
 * columns are in `from` only, `removed` ones in `to` only; old values are `to`'s,
 * new ones `from`'s.
 */
export interface RelationDiff {
  readonly from: string;
  readonly to: string;
  /** `schema.name` (both sides' when they differ: `a → b`). */
  readonly relation: string;
  /** The columns rows are matched on; empty for a keyless (EXCEPT ALL) diff. */
  readonly key: readonly string[];
  readonly schema: { readonly added: readonly ColumnType[]; readonly removed: readonly ColumnType[]; readonly retyped: readonly RetypedColumn[] };
  readonly rows: {
    readonly from: number;
    readonly to: number;
    readonly onlyInFrom: number;
    readonly onlyInTo: number;
    /** Rows whose key is on both sides with another value in a compared column; null without a key. */
    readonly changed: number | null;
  };
  /** Changed rows per compared column (keyed diffs only). */
  readonly changedColumns: Readonly<Record<string, number>>;
  readonly samples: readonly DiffSample[];
}

/** Why a diff could not be made, worded for the user (names the target and relation). */
export class RelationDiffError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing-relation' | 'bad-key' | 'duplicate-keys' | 'same-target' | 'failed',
    /** Which side is at fault, when one is. */
    readonly side?: 'from' | 'to',
  ) {
    super(message);
    this.name = 'RelationDiffError';
  }
}

export interface DiffSessionOptions {
  /** Relative DuckDB paths resolve from here. */
  readonly projectRoot: string;
  /** MotherDuck token from the editor's secret storage; a target's token_env wins. */
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** DuckDB's memory_limit for the compare (default 2GB): past it, the join spills to a temporary folder. */
  readonly memoryLimit?: string;
}

export interface DiffOptions {
  /** Columns to match rows on; empty or absent: a keyless diff. */
  readonly key?: readonly string[];
  /** Samples kept (default 20). */
  readonly sampleLimit?: number;
}

/** Both targets attached read-only to one in-memory DuckDB; diffs any number of relations, then closes. */
export interface DiffSession {
  readonly from: TargetConfig;
  readonly to: TargetConfig;
  diff(fromRelation: RelationName, toRelation: RelationName, opts?: DiffOptions): Promise<RelationDiff>;
  /** The relation's columns on one side, or undefined when it is not there. */
  columnsOf(side: 'from' | 'to', relation: RelationName): Promise<ColumnType[] | undefined>;
  close(): void;
}

type Aliases = { readonly from: string; readonly to: string };
const FALLBACK: Aliases = { from: '__asset_studio_from', to: '__asset_studio_to' };
const RESERVED = new Set(['memory', 'system', 'temp', 'main']);

/**
 * Each side is attached under its own database name (the file's stem, the
 * MotherDuck database) when the two differ: views that name their catalog, as
 * dbt-duckdb's do, then still bind. Otherwise under fixed names.
 */
function aliasesFor(from: TargetConfig, to: TargetConfig): Aliases {
  const f = targetDatabase(from)?.toLowerCase();
  const t = targetDatabase(to)?.toLowerCase();
  if (!f || !t || f === t || RESERVED.has(f) || RESERVED.has(t)) return FALLBACK;
  return { from: targetDatabase(from)!, to: targetDatabase(to)! };
}
const DEFAULT_SAMPLES = 20;

/**
 * Attaches both targets read-only (`ATTACH … (READ_ONLY)`): a diff can never
 * write either, and a missing DuckDB file is an error rather than a new file.
 */
export async function openDiffSession(from: TargetConfig, to: TargetConfig, opts: DiffSessionOptions): Promise<DiffSession> {
  if (from.name === to.name) throw new RelationDiffError(`Compare needs two different targets; both are '${from.name}'.`, 'same-target');
  // Spills of a large join go to a private folder, removed on close (an in-memory instance has none of its own).
  const spill = mkdtempSync(join(tmpdir(), 'asset-studio-diff-'));
  const config: Record<string, string> = { temp_directory: spill, memory_limit: opts.memoryLimit ?? '2GB' };
  const secrets: string[] = [];
  for (const t of [from, to]) {
    if (t.type !== 'motherduck') continue;
    const choice = motherDuckTokenFor(t, { env: opts.env, saved: opts.token });
    if (!choice.token) {
      rmSync(spill, { recursive: true, force: true });
      throw new TargetConnectionError(choice.hint!, t.name, 'no-token');
    }
    config['motherduck_token'] = choice.token;
    secrets.push(choice.token);
  }
  const aliases = aliasesFor(from, to);
  const instance = await DuckDBInstance.create(':memory:', config);
  let conn: DuckDBConnection | undefined;
  const close = () => {
    conn?.closeSync();
    instance.closeSync();
    rmSync(spill, { recursive: true, force: true });
  };
  try {
    conn = await instance.connect();
    for (const side of ['from', 'to'] as const) await attach(conn, side === 'from' ? from : to, aliases[side], opts, secrets);
  } catch (err) {
    close();
    throw err;
  }
  const c = conn;
  const columnsOf = (side: 'from' | 'to', relation: RelationName) => readColumns(c, aliases[side], relation);
  return {
    from,
    to,
    columnsOf,
    diff: (fromRelation, toRelation, diffOpts = {}) => diffRelations(c, aliases, { from, to, fromRelation, toRelation, ...diffOpts }),
    close,
  };
}

async function attach(conn: DuckDBConnection, target: TargetConfig, alias: string, opts: DiffSessionOptions, secrets: readonly string[]): Promise<void> {
  const location = target.type === 'motherduck' ? `md:${target.database ?? ''}` : resolve(opts.projectRoot, target.path ?? '.asset-studio/dev.duckdb');
  if (target.type === 'duckdb') {
    if (!existsSync(location)) {
      throw new TargetConnectionError(`Target '${target.name}': ${location} does not exist yet: nothing was materialized there.`, target.name, 'missing-file');
    }
  }
  try {
    await conn.run(`ATTACH ${quoteLiteral(location)} AS ${quoteIdent(alias)} (READ_ONLY)`);
  } catch (err) {
    let raw = err instanceof Error ? err.message : String(err);
    raw = redactor(secrets)(raw);
    const first = raw.split('\n')[0] ?? raw;
    if (/Could not set lock|Conflicting lock/i.test(raw)) {
      const pid = /PID (\d+)/.exec(raw)?.[1];
      throw new TargetConnectionError(
        `Target '${target.name}': ${location} is being written by another process${pid ? ` (pid ${pid})` : ''} (a running materialization?): wait for it to finish and compare again.`,
        target.name,
        'locked',
      );
    }
    if (target.type === 'motherduck') {
      throw new TargetConnectionError(`Target '${target.name}': cannot reach MotherDuck (${location}): ${first}`, target.name, 'unreachable');
    }
    throw new TargetConnectionError(`Target '${target.name}': cannot open ${location}: ${first}`, target.name, 'other');
  }
}

async function readColumns(conn: DuckDBConnection, catalog: string, relation: RelationName): Promise<ColumnType[] | undefined> {
  const reader = await conn.runAndReadAll(
    'SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 ORDER BY column_index',
    [catalog, relation.schema, relation.name],
  );
  const rows = reader.getRowObjectsJson();
  if (rows.length === 0) return undefined;
  return rows.map((r) => ({ name: String(r['column_name']), type: String(r['data_type']) }));
}

interface DiffRequest extends DiffOptions {
  readonly from: TargetConfig;
  readonly to: TargetConfig;
  readonly fromRelation: RelationName;
  readonly toRelation: RelationName;
}

function relationText(r: RelationName): string {
  return `${r.schema}.${r.name}`;
}

async function diffRelations(conn: DuckDBConnection, aliases: Aliases, req: DiffRequest): Promise<RelationDiff> {
  const fromCols = await readColumns(conn, aliases.from, req.fromRelation);
  const toCols = await readColumns(conn, aliases.to, req.toRelation);
  for (const [side, cols, target, rel] of [
    ['from', fromCols, req.from, req.fromRelation],
    ['to', toCols, req.to, req.toRelation],
  ] as const) {
    if (!cols) {
      throw new RelationDiffError(
        `${relationText(rel)} is not in target '${target.name}' (the ${side} side): materialize it there first.`,
        'missing-relation',
        side,
      );
    }
  }
  const fromByName = new Map(fromCols!.map((c) => [c.name, c.type]));
  const toByName = new Map(toCols!.map((c) => [c.name, c.type]));
  // Read as a promotion: what putting `from` in place of `to` would do to `to`.
  const added = fromCols!.filter((c) => !toByName.has(c.name));
  const removed = toCols!.filter((c) => !fromByName.has(c.name));
  const common = fromCols!.filter((c) => toByName.has(c.name)).map((c) => ({ name: c.name, from: c.type, to: toByName.get(c.name)! }));
  const retyped = common.filter((c) => c.from !== c.to);

  const key = [...(req.key ?? [])];
  for (const k of key) {
    for (const [side, byName, target] of [
      ['from', fromByName, req.from],
      ['to', toByName, req.to],
    ] as const) {
      if (!byName.has(k)) {
        throw new RelationDiffError(
          `Key column '${k}' is not in ${relationText(side === 'from' ? req.fromRelation : req.toRelation)} on target '${target.name}'. Give --key with columns both sides have.`,
          'bad-key',
          side,
        );
      }
    }
  }
  const f = `${quoteIdent(aliases.from)}.${quoteIdent(req.fromRelation.schema)}.${quoteIdent(req.fromRelation.name)}`;
  const t = `${quoteIdent(aliases.to)}.${quoteIdent(req.toRelation.schema)}.${quoteIdent(req.toRelation.name)}`;
  const relation =
    relationText(req.fromRelation) === relationText(req.toRelation) ? relationText(req.fromRelation) : `${relationText(req.fromRelation)} → ${relationText(req.toRelation)}`;
  const base = { from: req.from.name, to: req.to.name, relation, key, schema: { added, removed, retyped } };
  const limit = req.sampleLimit ?? DEFAULT_SAMPLES;
  const typeOf = new Map(common.map((c) => [c.name, c]));
  // Retyped columns compare as text: an INTEGER that became VARCHAR is equal where it prints the same.
  const expr = (alias: string, name: string) => {
    const c = typeOf.get(name)!;
    const col = `${alias}.${quoteIdent(name)}`;
    return c.from === c.to ? col : `CAST(${col} AS VARCHAR)`;
  };
  try {
    if (key.length === 0) return { ...base, ...(await keylessDiff(conn, f, t, common.map((c) => c.name), expr, limit)) };
    const compared = common.map((c) => c.name).filter((c) => !key.includes(c));
    const cols = { key, compared, fromColumns: fromCols!.map((c) => c.name), toColumns: toCols!.map((c) => c.name) };
    return { ...base, ...(await keyedDiff(conn, f, t, cols, expr, limit, req)) };
  } catch (err) {
    if (err instanceof RelationDiffError) throw err;
    const text = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new RelationDiffError(`Comparing ${relation} between '${req.from.name}' and '${req.to.name}' failed: ${text}`, 'failed');
  }
}

async function query(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

type ColumnExpr = (alias: string, name: string) => string;
type DiffBody = Pick<RelationDiff, 'rows' | 'changedColumns' | 'samples'>;

async function keylessDiff(conn: DuckDBConnection, f: string, t: string, columns: readonly string[], expr: ColumnExpr, limit: number): Promise<DiffBody> {
  const counts = await query(conn, `SELECT (SELECT count(*) FROM ${f}) AS n_from, (SELECT count(*) FROM ${t}) AS n_to`);
  const nFrom = Number(counts[0]!['n_from']);
  const nTo = Number(counts[0]!['n_to']);
  if (columns.length === 0) {
    // Nothing in common: every row differs.
    return { rows: { from: nFrom, to: nTo, onlyInFrom: nFrom, onlyInTo: nTo, changed: null }, changedColumns: {}, samples: [] };
  }
  // EXCEPT ALL both ways in one pass: each distinct row with how often each side has it; the surplus of a side is
  // what EXCEPT ALL leaves of it (NULLs group together, as EXCEPT ALL treats them).
  const list = (alias: string) => columns.map((c, i) => `${expr(alias, c)} AS c${i}`).join(', ');
  const row = `struct_pack(${columns.map((_, i) => `c${i} := c${i}`).join(', ')})`;
  const half = Math.ceil(limit / 2);
  const samplesSql =
    limit > 0
      ? `, min_by(${row}, ${row}, ${half}) FILTER (WHERE nf > nt) AS s_from, min_by(${row}, ${row}, ${limit}) FILTER (WHERE nt > nf) AS s_to`
      : '';
  const r = (
    await query(
      conn,
      `SELECT coalesce(sum(greatest(nf - nt, 0)), 0) AS only_from, coalesce(sum(greatest(nt - nf, 0)), 0) AS only_to${samplesSql}
       FROM (SELECT ${columns.map((_, i) => `c${i}`).join(', ')}, count(*) FILTER (WHERE __side = 0) AS nf, count(*) FILTER (WHERE __side = 1) AS nt
             FROM (SELECT ${list('__f')}, 0 AS __side FROM ${f} AS __f UNION ALL SELECT ${list('__t')}, 1 AS __side FROM ${t} AS __t)
             GROUP BY ALL)`,
    )
  )[0]!;
  const named = (packed: Record<string, unknown>) => Object.fromEntries(columns.map((c, i) => [c, packed[`c${i}`] ?? null]));
  const samples: DiffSample[] = [];
  for (const s of listOf(r['s_from']).slice(0, half)) samples.push({ change: 'only_in_from', key: null, from: named(s), to: null });
  for (const s of listOf(r['s_to']).slice(0, limit - samples.length)) samples.push({ change: 'only_in_to', key: null, from: null, to: named(s) });
  return {
    rows: { from: nFrom, to: nTo, onlyInFrom: Number(r['only_from']), onlyInTo: Number(r['only_to']), changed: null },
    changedColumns: {},
    samples,
  };
}

function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

interface KeyedColumns {
  readonly key: readonly string[];
  /** Columns on both sides, compared. */
  readonly compared: readonly string[];
  /** Every column of each side, for rows found on one side only. */
  readonly fromColumns: readonly string[];
  readonly toColumns: readonly string[];
}

/**
 * One FULL OUTER JOIN on the key, read once: counts, changes per column and
 * the samples (the first rows by key, via min_by) in one aggregate.
 */
async function keyedDiff(conn: DuckDBConnection, f: string, t: string, cols: KeyedColumns, expr: ColumnExpr, limit: number, req: DiffRequest): Promise<DiffBody> {
  const { key, compared } = cols;
  const present = '__asset_studio_present';
  // NULL is a key value like any other (as in the incremental merge): NULL matches NULL.
  const on = key.map((k) => `${expr('__f', k)} IS NOT DISTINCT FROM ${expr('__t', k)}`).join(' AND ');
  const differs = compared.map((c) => `${expr('__f', c)} IS DISTINCT FROM ${expr('__t', c)}`);
  const both = `__f.${present} AND __t.${present}`;
  const anyDiffers = differs.length > 0 ? `(${differs.join(' OR ')})` : 'FALSE';
  const joined = `(SELECT *, TRUE AS ${present} FROM ${f}) AS __f FULL OUTER JOIN (SELECT *, TRUE AS ${present} FROM ${t}) AS __t ON ${on}`;
  const keyOrder = (alias: string) => `struct_pack(${key.map((k, i) => `k${i} := ${expr(alias, k)}`).join(', ')})`;
  const half = Math.ceil(limit / 2);
  const samplesSql =
    limit > 0
      ? `, min_by(struct_pack(${[
          ...key.map((k, i) => `k${i} := __f.${quoteIdent(k)}`),
          ...compared.map((c, i) => `f${i} := __f.${quoteIdent(c)}, t${i} := __t.${quoteIdent(c)}, x${i} := ${differs[i]}`),
        ].join(', ')}), ${keyOrder('__f')}, ${limit}) FILTER (WHERE ${both} AND ${anyDiffers}) AS s_changed
         , min_by(struct_pack(${cols.fromColumns.map((c, i) => `r${i} := __f.${quoteIdent(c)}`).join(', ')}), ${keyOrder('__f')}, ${half}) FILTER (WHERE __t.${present} IS NULL) AS s_from
         , min_by(struct_pack(${cols.toColumns.map((c, i) => `r${i} := __t.${quoteIdent(c)}`).join(', ')}), ${keyOrder('__t')}, ${limit}) FILTER (WHERE __f.${present} IS NULL) AS s_to`
      : '';
  const c = (
    await query(
      conn,
      `SELECT count(__f.${present}) AS n_from, count(__t.${present}) AS n_to,
              (SELECT count(*) FROM ${f}) AS rows_from, (SELECT count(*) FROM ${t}) AS rows_to,
              count(*) FILTER (WHERE __t.${present} IS NULL) AS only_from,
              count(*) FILTER (WHERE __f.${present} IS NULL) AS only_to,
              count(*) FILTER (WHERE ${both} AND ${anyDiffers}) AS changed
              ${differs.map((d, i) => `, count(*) FILTER (WHERE ${both} AND ${d}) AS d${i}`).join('')}
              ${samplesSql}
       FROM ${joined}`,
    )
  )[0]!;
  // A key repeated on both sides pairs rows arbitrarily and the join has more rows than the table: refuse, saying where.
  if (Number(c['n_from']) !== Number(c['rows_from']) || Number(c['n_to']) !== Number(c['rows_to'])) await refuseDuplicateKeys(conn, f, t, key, expr, req);
  const changedColumns: Record<string, number> = {};
  compared.forEach((col, i) => {
    const n = Number(c[`d${i}`]);
    if (n > 0) changedColumns[col] = n;
  });
  const samples: DiffSample[] = [];
  for (const s of listOf(c['s_changed'])) {
    const from: Record<string, unknown> = {};
    const to: Record<string, unknown> = {};
    compared.forEach((col, i) => {
      if (s[`x${i}`] === true) {
        from[col] = s[`f${i}`] ?? null;
        to[col] = s[`t${i}`] ?? null;
      }
    });
    samples.push({ change: 'changed', key: Object.fromEntries(key.map((k, i) => [k, s[`k${i}`] ?? null])), from, to });
  }
  // Rows on one side only fill what is left, whole.
  const whole = (s: Record<string, unknown>, names: readonly string[]) => Object.fromEntries(names.map((n, i) => [n, s[`r${i}`] ?? null]));
  const room = limit - samples.length;
  for (const s of listOf(c['s_from']).slice(0, Math.ceil(room / 2))) {
    const row = whole(s, cols.fromColumns);
    samples.push({ change: 'only_in_from', key: Object.fromEntries(key.map((k) => [k, row[k] ?? null])), from: row, to: null });
  }
  for (const s of listOf(c['s_to']).slice(0, limit - samples.length)) {
    const row = whole(s, cols.toColumns);
    samples.push({ change: 'only_in_to', key: Object.fromEntries(key.map((k) => [k, row[k] ?? null])), from: null, to: row });
  }
  return {
    rows: { from: Number(c['rows_from']), to: Number(c['rows_to']), onlyInFrom: Number(c['only_from']), onlyInTo: Number(c['only_to']), changed: Number(c['changed']) },
    changedColumns,
    samples,
  };
}

async function refuseDuplicateKeys(conn: DuckDBConnection, f: string, t: string, key: readonly string[], expr: ColumnExpr, req: DiffRequest): Promise<never> {
  const keyList = (alias: string) => key.map((k) => expr(alias, k)).join(', ');
  const dupes = await query(
    conn,
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM ${f} AS __f GROUP BY ${keyList('__f')} HAVING count(*) > 1)) AS d_from,
            (SELECT count(*) FROM (SELECT 1 FROM ${t} AS __t GROUP BY ${keyList('__t')} HAVING count(*) > 1)) AS d_to`,
  );
  const dFrom = Number(dupes[0]!['d_from']);
  const dTo = Number(dupes[0]!['d_to']);
  const where = [dFrom > 0 ? `${dFrom} in '${req.from.name}'` : '', dTo > 0 ? `${dTo} in '${req.to.name}'` : ''].filter(Boolean).join(' and ');
  throw new RelationDiffError(
    `Key (${key.join(', ')}) is not unique in ${relationText(req.fromRelation)}: ${where} key value${dFrom + dTo === 1 ? '' : 's'} repeat. Give --key with columns that are unique, or compare without a key.`,
    'duplicate-keys',
    dFrom > 0 ? 'from' : 'to',
  );
}
