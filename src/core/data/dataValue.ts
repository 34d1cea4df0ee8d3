import { DuckDBTypeId, JsonDuckDBValueConverter } from '@duckdb/node-api';
import type { DuckDBArrayType, DuckDBListType, DuckDBMapType, DuckDBStructType, DuckDBType, DuckDBUnionType, DuckDBValue, DuckDBValueConverter, Json } from '@duckdb/node-api';

/**
 * A cell as the grid, the CLI's JSON and the webview receive it: JSON-safe.
 * SQL NULL is `null` (never ''), STRUCT is an object, LIST/ARRAY an array,
 * MAP an array of `{key, value}` (keys need not be text), JSON objects and
 * arrays parsed (a JSON scalar stays its JSON text: `null`, `"a"`, `42`).
 * Whole numbers are numbers while JavaScript holds them exactly; beyond 2^53
 * they, and every DECIMAL, stay exact as text (the column type says they are numbers).
 */
export type DataValue = null | boolean | number | string | readonly DataValue[] | { readonly [field: string]: DataValue };

const WIDE_INTEGERS: ReadonlySet<DuckDBTypeId> = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The JSON converter of @duckdb/node-api, with values of type JSON parsed into nested values. */
export const dataValueConverter: DuckDBValueConverter<DataValue> = (value: DuckDBValue, type: DuckDBType, converter: DuckDBValueConverter<DataValue>) => {
  if (value !== null && type.alias === 'JSON' && typeof value === 'string') {
    // Objects and arrays are parsed, to be read nested; a scalar stays JSON text, so JSON `null` ('null') is not SQL NULL (null).
    try {
      const parsed = JSON.parse(value) as DataValue;
      return parsed !== null && typeof parsed === 'object' ? parsed : value;
    } catch {
      return value; // DuckDB validated it as JSON; a parse failure here is not worth losing the text for
    }
  }
  if (typeof value === 'bigint' && WIDE_INTEGERS.has(type.typeId)) {
    return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value.toString();
  }
  // Nested values come back through `converter` (this function), so JSON inside a STRUCT is parsed too.
  return (JsonDuckDBValueConverter(value, type, converter as unknown as DuckDBValueConverter<Json>) as DataValue) ?? null;
};

/** How a column is drawn: numbers right-aligned, nested values expandable. */
export type ColumnKind = 'number' | 'boolean' | 'temporal' | 'text' | 'nested' | 'json' | 'other';

/** The kind of a DuckDB type as `DESCRIBE` or a result names it (`DECIMAL(10,2)`, `STRUCT(...)`, `INTEGER[]`, `JSON`). */
export function columnKind(typeText: string): ColumnKind {
  const t = typeText.trim().toUpperCase();
  if (t === 'JSON') return 'json';
  if (/[\])]$/.test(t) && /^(STRUCT|MAP|UNION)\(|\[\d*\]$/.test(t)) return 'nested';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|BIGNUM|VARINT)$/.test(t) || t.startsWith('DECIMAL')) {
    return 'number';
  }
  if (t === 'BOOLEAN') return 'boolean';
  if (/^(DATE|TIME|TIMESTAMP|INTERVAL)/.test(t)) return 'temporal';
  if (t === 'VARCHAR' || t.startsWith('ENUM') || t === 'UUID') return 'text';
  return 'other';
}

/** Name, DuckDB type (its alias, e.g. JSON, when it has one) and kind of a result column. */
export interface DataColumn {
  readonly name: string;
  readonly type: string;
  readonly kind: ColumnKind;
}

/**
 * A type as DuckDB's DESCRIBE writes it, aliases kept at every depth
 * (`STRUCT(a JSON, b INTEGER)`): the client's own `toString` drops the
 * alias of a child type.
 */
export function typeText(type: DuckDBType): string {
  if (type.alias) return type.alias;
  switch (type.typeId) {
    case DuckDBTypeId.STRUCT: {
      const t = type as DuckDBStructType;
      return `STRUCT(${t.entryNames.map((n, i) => `${fieldName(n)} ${typeText(t.entryTypes[i]!)}`).join(', ')})`;
    }
    case DuckDBTypeId.UNION: {
      const t = type as DuckDBUnionType;
      return `UNION(${t.memberTags.map((n, i) => `${fieldName(n)} ${typeText(t.memberTypes[i]!)}`).join(', ')})`;
    }
    case DuckDBTypeId.LIST:
      return `${typeText((type as DuckDBListType).valueType)}[]`;
    case DuckDBTypeId.ARRAY:
      return `${typeText((type as DuckDBArrayType).valueType)}[${(type as DuckDBArrayType).length}]`;
    case DuckDBTypeId.MAP:
      return `MAP(${typeText((type as DuckDBMapType).keyType)}, ${typeText((type as DuckDBMapType).valueType)})`;
    default:
      return type.toString();
  }
}

function fieldName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function dataColumn(name: string, type: DuckDBType): DataColumn {
  const text = typeText(type);
  return { name, type: text, kind: columnKind(text) };
}
