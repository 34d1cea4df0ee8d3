/**
 * A scratch query may name assets instead of their tables: `{{ this }}` (the
 * asset of the file the query is in), `{{ ref('orders') }}` (a dbt model, or
 * any asset by key), `{{ source('raw', 'trips') }}`. Each becomes the quoted
 * relation on the target the query runs on.
 */
export type TemplateLookup = (ref: { readonly kind: 'this' } | { readonly kind: 'ref'; readonly key: string }) => Promise<string>;

const TEMPLATE = /\{\{\s*(this|ref\(\s*(['"])((?:(?!\2).)+)\2\s*\)|source\(\s*(['"])((?:(?!\4).)+)\4\s*,\s*(['"])((?:(?!\6).)+)\6\s*\))\s*\}\}/g;

/** The query with every template replaced; a template naming nothing known rejects with a message saying which. */
export async function resolveQueryTemplates(sql: string, lookup: TemplateLookup): Promise<string> {
  const found = [...sql.matchAll(TEMPLATE)];
  if (found.length === 0) {
    const stray = /\{\{[^}]*\}\}/.exec(sql);
    if (stray) throw new Error(`${stray[0]}: a query understands {{ this }}, {{ ref('asset') }} and {{ source('name', 'table') }} only.`);
    return sql;
  }
  const relations = await Promise.all(
    found.map((m) => {
      if (m[1] === 'this') return lookup({ kind: 'this' });
      if (m[3] !== undefined) return lookup({ kind: 'ref', key: m[3] });
      return lookup({ kind: 'ref', key: `${m[5]}/${m[7]}` });
    }),
  );
  let out = '';
  let at = 0;
  found.forEach((m, i) => {
    out += sql.slice(at, m.index) + relations[i]!;
    at = m.index! + m[0].length;
  });
  const rest = sql.slice(at);
  const stray = /\{\{[^}]*\}\}/.exec(rest);
  if (stray) throw new Error(`${stray[0]}: a query understands {{ this }}, {{ ref('asset') }} and {{ source('name', 'table') }} only.`);
  return out + rest;
}
