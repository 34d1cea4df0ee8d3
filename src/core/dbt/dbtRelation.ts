import * as path from 'node:path';
import type { TargetConfig } from '../project/targetConfig';
import { quoteIdent } from '../engine/sqlIdentifiers';

/** A relation as dbt-duckdb names it: database (the file's stem, or the MotherDuck database), schema, identifier. */
export interface DbtRelation {
  readonly database?: string;
  readonly schema: string;
  readonly identifier: string;
}

/** The catalog name DuckDB gives the target's database: what dbt-duckdb renders as the relation's database. */
export function targetDatabase(target: TargetConfig): string | undefined {
  if (target.type === 'motherduck') return target.database || undefined;
  const file = target.path ?? '';
  if (file === '' || file === ':memory:') return 'memory';
  return path.basename(file).replace(/\.[^.]*$/, '');
}

/** `"database"."schema"."identifier"`, every part quoted, as dbt-duckdb renders `{{ this }}`. */
export function renderRelation(r: DbtRelation): string {
  return [r.database, r.schema, r.identifier]
    .filter((p): p is string => p !== undefined && p !== '')
    .map(quoteIdent)
    .join('.');
}

/** What `{{ this.schema }}` and its siblings read: dbt's Relation attributes. */
export function relationAttributes(r: DbtRelation): Readonly<Record<string, string | null>> {
  return { database: r.database ?? null, schema: r.schema, identifier: r.identifier, name: r.identifier, table: r.identifier };
}

/** dbt's default generate_schema_name: the target's schema, or `<target schema>_<custom>`. */
export function defaultSchemaName(target: TargetConfig, custom: unknown): string {
  if (custom === undefined || custom === null || String(custom).trim() === '') return target.schema;
  return `${target.schema}_${String(custom).trim()}`;
}
