import type { CheckDefinition } from '../asset';
import type { SourceLocation } from '../problem';
import { renderTemplate } from '../discovery/sql/sqlTemplate';
import type { TemplateValues } from '../discovery/sql/sqlTemplate';
import { quoteIdent, quoteLiteral } from './sqlIdentifiers';

/** What a check run gives: the Problems panel, the Testing view, CodeLens and the CLI read this. */
export interface CheckResult {
  /** Asset key string. */
  readonly asset: string;
  readonly name: string;
  readonly passed: boolean;
  readonly severity: 'error' | 'warn';
  readonly blocking: boolean;
  readonly failingRows: number;
  /** Up to 5 failing rows, JSON-safe. */
  readonly samples: readonly Record<string, unknown>[];
  readonly durationMs: number;
  /** The failure in words where the failing-row count would mislead (`3 rows, max 2`); see checkFailureText. */
  readonly failure?: string;
  /** The check could not run (bad arguments, a missing column, SQL error). */
  readonly error?: string;
  /** The check's own line, where a failure or an error is reported. */
  readonly location?: SourceLocation;
}

export const SAMPLE_ROWS = 5;

export type CompiledCheck =
  | { readonly ok: true; readonly sql: string; readonly columns: readonly string[] }
  | { readonly ok: false; readonly error: string };

export interface CheckContext {
  /** The asset's quoted relation. */
  readonly relation: string;
  /** Quoted relation of another asset named by `relationships.to`. */
  relationOf(text: string): string;
  readonly templates: TemplateValues;
}

/**
 * One query per check: its failing rows are counted and up to 5 of them
 * returned as JSON text, in one round trip (columns `failing_rows`, `samples`).
 */
export function compileCheck(check: CheckDefinition, ctx: CheckContext): CompiledCheck {
  const failing = failingRowsQuery(check, ctx);
  if (!failing.ok) return failing;
  const sql =
    `WITH __failing AS (${failing.sql}\n) SELECT (SELECT count(*) FROM __failing) AS failing_rows, ` +
    `(SELECT CAST(to_json(list(__f)) AS VARCHAR) FROM (SELECT * FROM __failing LIMIT ${SAMPLE_ROWS}) AS __f) AS samples`;
  return { ok: true, sql, columns: failing.columns };
}

function failingRowsQuery(check: CheckDefinition, ctx: CheckContext): CompiledCheck {
  const c = check.config ?? {};
  const rel = ctx.relation;
  switch (check.type) {
    case 'not_null': {
      const cols = columnsOf(c);
      if (cols.length === 0) return bad(check, 'needs a column or a list of columns');
      return ok(`SELECT * FROM ${rel} WHERE ${cols.map((x) => `${quoteIdent(x)} IS NULL`).join(' OR ')}`, cols);
    }
    case 'unique': {
      const cols = columnsOf(c);
      if (cols.length === 0) return bad(check, 'needs a column or a list of columns');
      const list = cols.map(quoteIdent).join(', ');
      return ok(`SELECT ${list}, count(*) AS duplicates FROM ${rel} GROUP BY ${list} HAVING count(*) > 1`, cols);
    }
    case 'accepted_values': {
      const col = columnsOf(c)[0];
      const values = Array.isArray(c['values']) ? (c['values'] as unknown[]) : undefined;
      if (!col || !values || values.length === 0) return bad(check, 'needs { column, values: [...] }');
      // Numbers compare as numbers; any text value makes the comparison textual, so mixed lists never fail to cast.
      const numeric = values.every((v) => typeof v === 'number');
      const lhs = numeric ? quoteIdent(col) : `CAST(${quoteIdent(col)} AS VARCHAR)`;
      const list = values.map((v) => (numeric ? quoteLiteral(v) : quoteLiteral(String(v))));
      return ok(`SELECT * FROM ${rel} WHERE ${quoteIdent(col)} IS NOT NULL AND ${lhs} NOT IN (${list.join(', ')})`, [col]);
    }
    case 'relationships': {
      const col = columnsOf(c)[0];
      const to = typeof c['to'] === 'string' ? c['to'] : undefined;
      const field = typeof c['field'] === 'string' ? c['field'] : col;
      if (!col || !to || !field) return bad(check, 'needs { column, to, field }');
      return ok(
        `SELECT __c.* FROM ${rel} AS __c WHERE __c.${quoteIdent(col)} IS NOT NULL AND NOT EXISTS ` +
          `(SELECT 1 FROM ${ctx.relationOf(to)} AS __p WHERE __p.${quoteIdent(field)} = __c.${quoteIdent(col)})`,
        [col],
      );
    }
    case 'row_count': {
      const min = numberOf(c['min']);
      const max = numberOf(c['max']);
      if (min === undefined && max === undefined) return bad(check, 'needs min and/or max');
      const conds = [
        ...(min !== undefined ? [`row_count < ${quoteLiteral(min)}`] : []),
        ...(max !== undefined ? [`row_count > ${quoteLiteral(max)}`] : []),
      ];
      return ok(`SELECT * FROM (SELECT count(*) AS row_count FROM ${rel}) WHERE ${conds.join(' OR ')}`, []);
    }
    case 'freshness': {
      const col = columnsOf(c)[0];
      const maxAge = c['max_age'] ?? c['maxAge'];
      if (!col || (typeof maxAge !== 'string' && typeof maxAge !== 'number')) return bad(check, 'needs { column, max_age }');
      const age = typeof maxAge === 'number' ? `${maxAge} seconds` : maxAge;
      // The sample row says how old the newest value is and the limit, for a message in those terms (freshnessText).
      const newest = `CAST(max(${quoteIdent(col)}) AS TIMESTAMP)`;
      return ok(
        `SELECT max(${quoteIdent(col)}) AS latest, CAST(round(epoch(CAST(now() AS TIMESTAMP)) - epoch(${newest})) AS BIGINT) AS age_seconds, ` +
          `${quoteLiteral(age)} AS max_age FROM ${rel} HAVING max(${quoteIdent(col)}) IS NULL OR ` +
          `CAST(max(${quoteIdent(col)}) AS TIMESTAMP) < CAST(now() AS TIMESTAMP) - CAST(${quoteLiteral(age)} AS INTERVAL)`,
        [col],
      );
    }
    case 'sql': {
      const sql = typeof c['sql'] === 'string' ? c['sql'] : undefined;
      if (!sql) return bad(check, 'needs sql');
      return ok(stripTrailingSemicolon(renderTemplate(sql, ctx.templates)), []);
    }
    default:
      return bad(check, `is a ${check.type} check: it runs with its own tool, not in the engine`);
  }
}

function ok(sql: string, columns: readonly string[]): CompiledCheck {
  return { ok: true, sql, columns };
}

function bad(check: CheckDefinition, why: string): CompiledCheck {
  return { ok: false, error: `check '${check.name}' (${check.type}) ${why}` };
}

/** `column`, `columns`, or the check's bare value (`not_null: [a, b]`, `unique: a`). */
export function columnsOf(config: Readonly<Record<string, unknown>>): string[] {
  for (const k of ['columns', 'column', 'value']) {
    const v = config[k];
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  }
  return [];
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

/** Every check of an asset in one query (one row per check, `__check` = its index): one round trip for all. */
export function combineChecks(sqls: readonly string[]): string {
  return sqls.map((sql, i) => `SELECT ${i} AS __check, * FROM (\n${sql}\n)`).join('\nUNION ALL\n');
}

/** The `samples` column (JSON text) as rows. */
export function parseSamples(value: unknown): Record<string, unknown>[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [];
  } catch {
    return [];
  }
}
