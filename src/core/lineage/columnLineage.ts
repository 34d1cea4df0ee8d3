/**
 * Column-level lineage of one SELECT, read from DuckDB's own parse tree
 * (`json_serialize_sql`): for each output column, the upstream table columns
 * it is computed from, and whether it is a plain copy of one of them.
 */

/** An upstream column: the table as written in the SQL (dotted, lower case) and the column. */
export interface UpstreamColumn {
  readonly table: string;
  readonly column: string;
}

export interface OutputColumn {
  readonly name: string;
  readonly sources: readonly UpstreamColumn[];
  /** `copy`: the value of one upstream column as it is (renamed at most); else computed from its sources. */
  readonly kind: 'copy' | 'transformation';
}

export interface ColumnLineage {
  readonly columns: readonly OutputColumn[];
  /** What could not be followed, said to the user (a `*` over a table whose columns are unknown). */
  readonly notes: readonly string[];
}

/**
 * The columns of a table the SQL reads, by its name parts as written
 * (`['raw', 'taxi_trips']`): from the target's catalog, or from the upstream
 * asset's own column lineage. Undefined when unknown.
 */
export type UpstreamColumnsOf = (parts: readonly string[]) => readonly string[] | undefined;

type Json = Record<string, unknown>;

interface Origin {
  readonly sources: readonly UpstreamColumn[];
  readonly copy: boolean;
}

/** A relation in scope: its columns with where each comes from; `open` when its columns are unknown. */
interface ScopeRelation {
  readonly name: string;
  readonly columns: Map<string, { readonly name: string; readonly origin: Origin }>;
  /** A table whose columns are unknown: any column asked of it is taken as its own. */
  readonly open?: string;
}

interface Context {
  readonly ctes: ReadonlyMap<string, ScopeRelation>;
  readonly upstream: UpstreamColumnsOf;
  readonly notes: string[];
}

const lower = (s: string) => s.toLowerCase();

function obj(v: unknown): Json | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function merge(origins: readonly Origin[]): UpstreamColumn[] {
  const seen = new Map<string, UpstreamColumn>();
  for (const o of origins) for (const s of o.sources) seen.set(`${s.table}\u0000${s.column}`, s);
  return [...seen.values()];
}

/** A CTE or subquery that passes on an unexpanded `*` is itself open: a column asked of it comes from that table. */
function openThrough(cols: readonly { name: string; origin: Origin }[]): string | undefined {
  const star = cols.find((c) => c.origin.sources.length === 1 && c.origin.sources[0]!.column === '*');
  return star?.origin.sources[0]!.table;
}

function relationOf(name: string, cols: readonly { name: string; origin: Origin }[], open?: string): ScopeRelation {
  const columns = new Map<string, { name: string; origin: Origin }>();
  for (const c of cols) if (!columns.has(lower(c.name))) columns.set(lower(c.name), c);
  return { name: lower(name), columns, ...(open ? { open } : {}) };
}

/** The lineage of the statement a `json_serialize_sql` result holds (its first statement). */
export function columnLineageOfTree(serialized: unknown, upstream: UpstreamColumnsOf): ColumnLineage {
  const root = obj(serialized);
  if (!root || root['error'] === true) throw new Error(`DuckDB could not parse the SQL: ${String(root?.['error_message'] ?? 'no parse tree')}`);
  const statement = obj(arr(root['statements'])[0]);
  const node = obj(statement?.['node']);
  if (!node) throw new Error('The SQL holds no SELECT statement.');
  const notes: string[] = [];
  const columns = queryColumns(node, { ctes: new Map(), upstream, notes }, []);
  return {
    columns: columns.map((c) => ({ name: c.name, sources: c.origin.sources, kind: c.origin.copy ? 'copy' : 'transformation' })),
    notes,
  };
}

/** The output columns of a query node (SELECT, set operation, CTE node), in order. */
function queryColumns(node: Json, outer: Context, outerScope: readonly ScopeRelation[]): { name: string; origin: Origin }[] {
  const ctx = withCtes(node, outer);
  switch (node['type']) {
    case 'SELECT_NODE':
      return selectColumns(node, ctx, outerScope);
    case 'SET_OPERATION_NODE': {
      const children = [obj(node['left']), obj(node['right']), ...arr(node['children']).map(obj)].filter((c): c is Json => c !== undefined);
      const sides = children.map((c) => queryColumns(c, ctx, outerScope));
      const first = sides[0] ?? [];
      // A union's columns are named by its first query; each gathers the same position of every side.
      return first.map((c, i) => {
        const at = sides.map((s) => s[i]).filter((x): x is { name: string; origin: Origin } => x !== undefined);
        // Plain columns on every side still copy their values.
        return { name: c.name, origin: { sources: merge(at.map((x) => x.origin)), copy: at.every((x) => x.origin.copy) } };
      });
    }
    case 'RECURSIVE_CTE_NODE':
    case 'CTE_NODE': {
      const inner = obj(node['left']) ?? obj(node['child']) ?? obj(node['query']);
      return inner ? queryColumns(inner, ctx, outerScope) : [];
    }
    default:
      ctx.notes.push(`a ${String(node['type']).toLowerCase()} query is not followed`);
      return [];
  }
}

function withCtes(node: Json, outer: Context): Context {
  const map = arr(obj(node['cte_map'])?.['map']);
  if (map.length === 0) return outer;
  const ctes = new Map(outer.ctes);
  let ctx: Context = { ...outer, ctes };
  for (const entry of map) {
    const e = obj(entry);
    const name = str(e?.['key']);
    const query = obj(obj(obj(e?.['value'])?.['query'])?.['node']);
    if (!name || !query) continue;
    const aliases = arr(obj(e?.['value'])?.['aliases']).map((a) => String(a));
    const cols = queryColumns(query, ctx, []).map((c, i) => ({ name: aliases[i] ?? c.name, origin: c.origin }));
    ctes.set(lower(name), relationOf(name, cols, openThrough(cols)));
    ctx = { ...ctx, ctes };
  }
  return ctx;
}

function selectColumns(node: Json, ctx: Context, outerScope: readonly ScopeRelation[]): { name: string; origin: Origin }[] {
  const from = obj(node['from_table']);
  const scope = from ? tableRelations(from, ctx) : [];
  const lookup = [...scope, ...outerScope];
  const out: { name: string; origin: Origin }[] = [];
  for (const item of arr(node['select_list'])) {
    const expr = obj(item);
    if (!expr) continue;
    if (expr['class'] === 'STAR' && !obj(expr['expr'])) {
      out.push(...starColumns(expr, scope, ctx));
      continue;
    }
    const origin = expressionOrigin(expr, lookup, ctx, out);
    out.push({ name: str(expr['alias']) ?? defaultName(expr, out.length), origin });
  }
  return out;
}

/** DuckDB names an unaliased column by its column reference; other expressions get a positional name here. */
function defaultName(expr: Json, index: number): string {
  if (expr['class'] === 'COLUMN_REF') {
    const names = arr(expr['column_names']);
    return String(names[names.length - 1]);
  }
  return `#${index + 1}`;
}

/** `*`, `t.*`, `* exclude (…)`, `* replace (… as c)`: the scope's columns, in order. */
function starColumns(expr: Json, scope: readonly ScopeRelation[], ctx: Context): { name: string; origin: Origin }[] {
  const only = str(expr['relation_name']);
  const exclude = new Set(arr(expr['exclude_list']).map((e) => lower(Array.isArray(e) ? String(e[e.length - 1]) : String(obj(e)?.['column_names'] ?? e))));
  const replace = new Map<string, Json>();
  for (const r of arr(expr['replace_list'])) {
    const e = obj(r);
    const key = str(e?.['key']);
    const value = obj(e?.['value']);
    if (key && value) replace.set(lower(key), value);
  }
  const out: { name: string; origin: Origin }[] = [];
  const seenUsing = new Set<string>();
  for (const rel of scope) {
    if (only && rel.name !== lower(only)) continue;
    if (rel.open) {
      ctx.notes.push(`the columns of ${rel.open} are unknown, so its * is not expanded`);
      out.push({ name: `${rel.name}.*`, origin: { sources: [{ table: rel.open, column: '*' }], copy: true } });
      continue;
    }
    for (const [key, col] of rel.columns) {
      if (exclude.has(key) || seenUsing.has(key)) continue;
      // A USING column appears once in `*`.
      if (!only) seenUsing.add(key);
      const replaced = replace.get(key);
      out.push({ name: col.name, origin: replaced ? expressionOrigin(replaced, scope, ctx, out) : col.origin });
    }
  }
  return out;
}

/** Where an expression's value comes from: a bare column is a copy, anything else a transformation of the columns it reads. */
function expressionOrigin(expr: Json, scope: readonly ScopeRelation[], ctx: Context, earlier: readonly { name: string; origin: Origin }[]): Origin {
  if (expr['class'] === 'COLUMN_REF') return columnRef(expr, scope, earlier) ?? { sources: [], copy: false };
  const found: Origin[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    const o = obj(v);
    if (!o) return;
    if (o['class'] === 'COLUMN_REF') {
      const r = columnRef(o, scope, earlier);
      if (r) found.push(r);
      return;
    }
    if (o['class'] === 'SUBQUERY') {
      const node = obj(obj(o['subquery'])?.['node']);
      if (node) for (const c of queryColumns(node, ctx, scope)) found.push(c.origin);
      visit(o['child']);
      return;
    }
    for (const [k, x] of Object.entries(o)) if (k !== 'query_location') visit(x);
  };
  visit(expr);
  return { sources: merge(found), copy: false };
}

/** A column reference resolved in scope: `c`, `t.c`, `schema.t.c`, or an earlier select alias (DuckDB allows it). */
function columnRef(expr: Json, scope: readonly ScopeRelation[], earlier: readonly { name: string; origin: Origin }[]): Origin | undefined {
  const names = arr(expr['column_names']).map((n) => String(n));
  const column = names[names.length - 1];
  if (!column) return undefined;
  const key = lower(column);
  const qualifier = names.length > 1 ? lower(names[names.length - 2]!) : undefined;
  const candidates = qualifier ? scope.filter((r) => r.name === qualifier) : scope;
  for (const rel of candidates) {
    const col = rel.columns.get(key);
    if (col) return col.origin;
  }
  if (!qualifier) {
    const alias = earlier.find((c) => lower(c.name) === key);
    if (alias) return alias.origin;
  }
  // A table whose columns are unknown: the column is taken as its own (the only open one, or the one named).
  const open = candidates.filter((r) => r.open);
  if (open.length === 1) return { sources: [{ table: open[0]!.open!, column }], copy: true };
  return undefined;
}

/** The relations a FROM clause brings into scope, in order. */
function tableRelations(table: Json, ctx: Context): ScopeRelation[] {
  switch (table['type']) {
    case 'BASE_TABLE': {
      const parts = [str(table['catalog_name']), str(table['schema_name']), str(table['table_name'])].filter((p): p is string => p !== undefined);
      const name = parts[parts.length - 1] ?? '';
      const alias = str(table['alias']) ?? name;
      const cte = parts.length === 1 ? ctx.ctes.get(lower(name)) : undefined;
      if (cte) return [relationOf(alias, [...cte.columns.values()], cte.open)];
      const written = parts.map(lower).join('.');
      const known = ctx.upstream(parts);
      if (!known) return [relationOf(alias, [], written)];
      return [relationOf(alias, known.map((c) => ({ name: c, origin: { sources: [{ table: written, column: c }], copy: true } })))];
    }
    case 'SUBQUERY': {
      const node = obj(obj(table['subquery'])?.['node']);
      const aliases = arr(table['column_name_alias']).map((a) => String(a));
      const cols = node ? queryColumns(node, ctx, []) : [];
      return [relationOf(str(table['alias']) ?? '', cols.map((c, i) => ({ name: aliases[i] ?? c.name, origin: c.origin })), openThrough(cols))];
    }
    case 'JOIN': {
      const left = obj(table['left']);
      const right = obj(table['right']);
      return [...(left ? tableRelations(left, ctx) : []), ...(right ? tableRelations(right, ctx) : [])];
    }
    case 'TABLE_FUNCTION': {
      const fn = obj(table['function']);
      const name = str(fn?.['function_name']) ?? 'table function';
      const first = obj(arr(fn?.['children'])[0]);
      const arg = obj(first?.['value'])?.['value'];
      const label = typeof arg === 'string' ? `${name}('${arg}')` : `${name}(…)`;
      return [relationOf(str(table['alias']) ?? name, [], label)];
    }
    default:
      ctx.notes.push(`a ${String(table['type']).toLowerCase()} in FROM is not followed`);
      return [];
  }
}
