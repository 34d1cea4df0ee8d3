import type { DuckDBConnection } from '@duckdb/node-api';
import type { TargetConfig } from '../project/targetConfig';
import { quoteIdent } from '../engine/sqlIdentifiers';
import type { DataReadOptions } from './dataReader';
import { assertSingleRead, run, withReadConnection } from './dataReader';
import type { ColumnKind } from './dataValue';
import { columnKind } from './dataValue';
import type { DataSource, DataView } from './dataView';
import { countSql, displaySql, viewSql } from './dataView';

/** One bin of a histogram: values in [lower, upper) (the last bin includes its upper bound). */
export interface HistogramBin {
  readonly lower: string;
  readonly upper: string;
  readonly count: number;
}

/** A column as DuckDB's SUMMARIZE describes it; min/max/quartiles stay text, as SUMMARIZE gives them. */
export interface ColumnProfile {
  readonly name: string;
  readonly type: string;
  readonly kind: ColumnKind;
  readonly min: string | null;
  readonly max: string | null;
  readonly approxUnique: number | null;
  readonly avg: string | null;
  readonly std: string | null;
  readonly q25: string | null;
  readonly q50: string | null;
  readonly q75: string | null;
  readonly count: number;
  /** 0–100. */
  readonly nullPercent: number;
  /** Numeric and date/time columns with at least one value. */
  readonly histogram?: readonly HistogramBin[];
}

/** A profile of a sample: SUMMARIZE of every row of a ten-million-row table takes most of a minute. */
export interface ProfileSample {
  /** Percent of the view's rows sampled (DuckDB system sampling: whole vectors of rows). */
  readonly percent: number;
  /** Rows in the whole view. */
  readonly totalRows: number;
}

export interface DataProfile {
  readonly columns: readonly ColumnProfile[];
  /** Set when the view had more rows than the profile reads: its figures are of a sample. */
  readonly sample?: ProfileSample;
  /** What ran: the SUMMARIZE and the histogram query. */
  readonly sql: readonly string[];
  readonly elapsedMs: number;
}

export const HISTOGRAM_BINS = 20;
/** Views with more rows than this are profiled on a sample of about this many rows. */
export const PROFILE_SAMPLE_ROWS = 1_000_000;

/** SUMMARIZE of the view (its filters apply), and a histogram of each numeric or date/time column, on demand. */
export async function readProfile(target: TargetConfig, opts: DataReadOptions, source: DataSource, view: DataView, sampleAbove = PROFILE_SAMPLE_ROWS): Promise<DataProfile> {
  return withReadConnection(target, opts, (conn) => readProfileOn(conn, source, view, sampleAbove));
}

export async function readProfileOn(conn: DuckDBConnection, source: DataSource, view: DataView, sampleAbove = PROFILE_SAMPLE_ROWS): Promise<DataProfile> {
  const started = performance.now();
  if (source.kind === 'query') await assertSingleRead(conn, source.sql);
  // Sorting changes nothing in a profile and costs a sort: profiles read the filtered rows unsorted.
  const filtered = viewSql(source, { filters: view.filters ?? [] });
  const counted = await run(conn, countSql(source, { filters: view.filters ?? [] }), source);
  const totalRows = Number(counted.getRowsJson()[0]?.[0] ?? 0);
  let sample: ProfileSample | undefined;
  let base = filtered;
  if (totalRows > sampleAbove) {
    // Two decimals are enough, and keep the SQL readable; the percentage is a number written by us, not input.
    const percent = Math.max(0.01, Math.ceil((sampleAbove / totalRows) * 10_000) / 100);
    sample = { percent, totalRows };
    base = { sql: `SELECT * FROM (${filtered.sql}) AS "v" USING SAMPLE ${percent}% (system)`, params: filtered.params };
  }
  const summarize = { sql: `SUMMARIZE ${base.sql}`, params: base.params };
  const rows = (await run(conn, summarize, source)).getRowObjectsJson();
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  const columns: ColumnProfile[] = rows.map((r) => {
    const type = String(r['column_type']);
    return {
      name: String(r['column_name']),
      type,
      kind: columnKind(type),
      min: text(r['min']),
      max: text(r['max']),
      approxUnique: r['approx_unique'] === null ? null : Number(r['approx_unique']),
      avg: text(r['avg']),
      std: text(r['std']),
      q25: text(r['q25']),
      q50: text(r['q50']),
      q75: text(r['q75']),
      count: Number(r['count'] ?? 0),
      nullPercent: Number(r['null_percentage'] ?? 0),
    };
  });
  const sql = [displaySql(summarize)];
  const binned = columns.filter((c) => histogramCast(c) !== undefined && c.min !== null && c.max !== null);
  if (binned.length === 0) return { columns, sql, ...(sample ? { sample } : {}), elapsedMs: performance.now() - started };
  // One scan for every histogram: bounds from SUMMARIZE, bound as parameters and cast to the column's kind.
  const params = [...base.params];
  const selects = binned.map((c, i) => {
    const cast = histogramCast(c)!;
    params.push(c.min!, c.max!);
    const lo = `CAST($${params.length - 1} AS ${cast})`;
    const hi = `CAST($${params.length} AS ${cast})`;
    return `histogram(CAST(${quoteIdent(c.name)} AS ${cast}), equi_width_bins(${lo}, ${hi}, ${HISTOGRAM_BINS}, true)) AS "h${i}"`;
  });
  const histogramQuery = { sql: `SELECT ${selects.join(', ')} FROM (${base.sql}) AS "v"`, params };
  const [row] = (await run(conn, histogramQuery, source)).getRowsJson();
  sql.push(displaySql(histogramQuery));
  const byName = new Map<string, HistogramBin[]>();
  binned.forEach((c, i) => byName.set(c.name, binsOf(row?.[i], c.min!)));
  return { columns: columns.map((c) => (byName.has(c.name) ? { ...c, histogram: byName.get(c.name)! } : c)), sql, ...(sample ? { sample } : {}), elapsedMs: performance.now() - started };
}

/** What a column is binned as: numbers as DOUBLE, dates and times as TIMESTAMP; anything else has no histogram. */
function histogramCast(c: Pick<ColumnProfile, 'kind' | 'type'>): string | undefined {
  if (c.kind === 'number') return 'DOUBLE';
  if (c.kind === 'temporal' && /^(DATE|TIMESTAMP)/i.test(c.type)) return 'TIMESTAMP';
  return undefined;
}

/** DuckDB's histogram MAP (bin upper bound → count) as consecutive bins starting at the column's minimum. */
function binsOf(map: unknown, min: string): HistogramBin[] {
  if (!Array.isArray(map)) return [];
  const bins: HistogramBin[] = [];
  let lower = min;
  for (const entry of map as { key: unknown; value: unknown }[]) {
    const upper = String(entry.key);
    bins.push({ lower, upper, count: Number(entry.value) });
    lower = upper;
  }
  return bins;
}
