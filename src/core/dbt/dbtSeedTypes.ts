// A dbt seed's column types as dbt infers them (its agate type tester), decided
// by DuckDB over the CSV read as text: each column takes the first of Integer-
// or-Number, Date (%Y-%m-%d), DateTime (%Y-%m-%d %H:%M:%S), ISO datetime,
// Boolean (true/false) and Text whose test every value passes. `null` and empty
// values are NULL. A number column is INTEGER unless a value has decimals
// (then DOUBLE, dbt's float8). Columns given in `column_types` take that type.
import { quoteIdent, quoteLiteral } from '../engine/sqlIdentifiers';

export type SeedColumnType = 'INTEGER' | 'DOUBLE' | 'DATE' | 'TIMESTAMP' | 'BOOLEAN' | 'VARCHAR';

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** The CSV as text, every column VARCHAR: what agate reads. */
export function seedTextSource(file: string): string {
  return `read_csv(${quoteLiteral(file)}, header = true, all_varchar = true, auto_detect = true)`;
}

function isNull(v: string): string {
  return `(${v} IS NULL OR lower(trim(${v})) IN ('', 'null'))`;
}

/** agate's Number strips a currency sign and group separators before parsing. */
function numberText(v: string): string {
  return `regexp_replace(trim(${v}), '^[$€£¥]|,', '', 'g')`;
}

const NUMBER = `'^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'`;

/** The type of each column, in the CSV's order. */
export async function seedColumnTypes(file: string, given: Readonly<Record<string, string>>, query: Query): Promise<{ readonly name: string; readonly type: string }[]> {
  const source = seedTextSource(file);
  const names = (await query(`DESCRIBE SELECT * FROM ${source}`)).map((r) => String(r['column_name']));
  const tested = names.filter((n) => given[n] === undefined);
  const tests = tested.flatMap((name, i) => {
    const v = quoteIdent(name);
    const nul = isNull(v);
    return [
      `bool_and(${nul} OR regexp_full_match(${numberText(v)}, ${NUMBER})) AS "n${i}"`,
      `bool_or(NOT ${nul} AND regexp_matches(${numberText(v)}, '[.][0-9]|[eE]-')) AS "d${i}"`,
      `bool_and(${nul} OR try_strptime(trim(${v}), '%Y-%m-%d') IS NOT NULL) AS "date${i}"`,
      `bool_and(${nul} OR try_strptime(trim(${v}), '%Y-%m-%d %H:%M:%S') IS NOT NULL OR TRY_CAST(trim(${v}) AS TIMESTAMP) IS NOT NULL) AS "ts${i}"`,
      `bool_and(${nul} OR lower(trim(${v})) IN ('true', 'false')) AS "b${i}"`,
    ];
  });
  const row = tests.length > 0 ? ((await query(`SELECT ${tests.join(', ')} FROM ${source}`))[0] ?? {}) : {};
  return names.map((name) => {
    if (given[name] !== undefined) return { name, type: given[name]! };
    const i = tested.indexOf(name);
    // An empty CSV (no rows): every test is NULL, and agate's first type (a number) passes.
    const passes = (k: string) => row[`${k}${i}`] !== false;
    const type: SeedColumnType = passes('n') ? (row[`d${i}`] === true ? 'DOUBLE' : 'INTEGER') : passes('date') ? 'DATE' : passes('ts') ? 'TIMESTAMP' : passes('b') ? 'BOOLEAN' : 'VARCHAR';
    return { name, type };
  });
}

/** The SELECT loading the seed: each text value cast to its column's type, agate's null values as NULL. */
export function seedSelectSql(file: string, columns: readonly { readonly name: string; readonly type: string }[]): string {
  const items = columns.map(({ name, type }) => {
    const v = quoteIdent(name);
    let value: string;
    switch (type) {
      case 'INTEGER':
        value = `CAST(CAST(${numberText(v)} AS DOUBLE) AS INTEGER)`;
        break;
      case 'DOUBLE':
        value = `CAST(${numberText(v)} AS DOUBLE)`;
        break;
      case 'DATE':
        value = `CAST(strptime(trim(${v}), '%Y-%m-%d') AS DATE)`;
        break;
      case 'TIMESTAMP':
        value = `CAST(trim(${v}) AS TIMESTAMP)`;
        break;
      case 'BOOLEAN':
        value = `lower(trim(${v})) = 'true'`;
        break;
      case 'VARCHAR':
        value = v;
        break;
      default:
        // A column_types type: the text cast as dbt's INSERT would cast it.
        value = `CAST(${v} AS ${type})`;
    }
    return `CASE WHEN ${isNull(v)} THEN NULL ELSE ${value} END AS ${v}`;
  });
  return `SELECT ${items.join(',\n  ')}\nFROM ${seedTextSource(file)}`;
}
