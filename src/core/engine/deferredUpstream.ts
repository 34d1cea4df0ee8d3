import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AssetGraph, AssetNode } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import { motherDuckTokenFor } from '../project/motherDuckToken';
import { AssetRelations } from '../diff/assetRelation';
import type { RelationName } from '../diff/relationDiff';
import { quoteIdent, quoteLiteral } from './sqlIdentifiers';
import { TargetConnectionError } from './targetConnection';
import { targetDatabase } from '../dbt/dbtRelation';

/** The catalog the deferred target is attached under when its own database name is taken. */
const FALLBACK_CATALOG = '__asset_studio_defer';

/** One upstream relation an asset read from the deferred target. */
export interface DeferredRead {
  /** As the SQL names it on the run's target, `schema.name`. */
  readonly relation: string;
  /** Where it was read instead: `target:schema.name`. */
  readonly readFrom: string;
}

export interface DeferredUpstreamOptions {
  readonly graph: AssetGraph;
  /** The target the run builds on (dev). */
  readonly runTarget: TargetConfig;
  /** The target unbuilt upstream relations are read from (prod); never written. */
  readonly deferTo: TargetConfig;
  readonly projectRoot: string;
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * dbt's `--defer` for the engine: in a run on dev, a relation a SELECT reads that
 * dev does not have is read from the deferred target instead, attached READ_ONLY.
 * The statement is rewritten on DuckDB's own parse tree (json_serialize_sql →
 * base-table catalog/schema/name → json_deserialize_sql), never by text
 * substitution; a statement that defers nothing is returned as written.
 */
export class DeferredUpstream {
  private readonly relations: AssetRelations;
  private byRunRelation: Promise<Map<string, AssetNode>> | undefined;
  /** Where the deferred target is attached (set by attach). */
  private catalog = FALLBACK_CATALOG;

  constructor(private readonly opts: DeferredUpstreamOptions) {
    this.relations = new AssetRelations(opts.env);
  }

  get target(): TargetConfig {
    return this.opts.deferTo;
  }

  /**
   * Attaches the deferred target read-only to the connection's instance, unless it
   * already is: under its own database name when free (views that name their
   * catalog, as dbt-duckdb's do, then bind), else under a fixed one.
   */
  async attach(conn: DuckDBConnection): Promise<void> {
    const t = this.opts.deferTo;
    const attached = (await conn.runAndReadAll('SELECT database_name AS name, path FROM duckdb_databases()')).getRowObjectsJson();
    const location = t.type === 'motherduck' ? `md:${t.database ?? ''}` : resolve(this.opts.projectRoot, t.path ?? '.asset-studio/dev.duckdb');
    const mine = attached.find((d) => d['name'] === this.catalog && (t.type === 'motherduck' || d['path'] === location));
    if (mine) return;
    const own = targetDatabase(t);
    const taken = new Set(attached.map((d) => String(d['name']).toLowerCase()));
    this.catalog = own && !taken.has(own.toLowerCase()) && !['memory', 'system', 'temp'].includes(own.toLowerCase()) ? own : FALLBACK_CATALOG;
    if (t.type === 'motherduck') {
      const choice = motherDuckTokenFor(t, { env: this.opts.env, saved: this.opts.token });
      if (!choice.token) throw new TargetConnectionError(choice.hint!, t.name, 'no-token');
      // Run directly, never through the statement log: it holds the token.
      await conn.run(`SET motherduck_token = ${quoteLiteral(choice.token)}`);
    }
    try {
      await conn.run(`ATTACH ${quoteLiteral(location)} AS ${quoteIdent(this.catalog)} (READ_ONLY)`);
    } catch (err) {
      const text = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      throw new TargetConnectionError(
        `Deferring to target '${t.name}': cannot open ${location} read-only: ${text}. Materialize without --defer, or make ${t.name} reachable.`,
        t.name,
        /lock/i.test(text ?? '') ? 'locked' : t.type === 'motherduck' ? 'unreachable' : 'missing-file',
      );
    }
  }

  /**
   * The SELECT with every base table the run's database lacks, and the deferred
   * target has, read from the deferred target. `own` (the asset's relation) is never deferred.
   */
  async rewrite(sql: string, conn: DuckDBConnection, own?: RelationName): Promise<{ sql: string; deferred: DeferredRead[] }> {
    const serialized = String(
      (await conn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS j', [sql])).getRowObjectsJson()[0]?.['j'] ?? '',
    );
    const tree = parseKeepingBigNumbers(serialized) as { error?: boolean; statements?: unknown[] };
    // Not one plain SELECT (DuckDB's serializer takes nothing else): run it as written.
    if (!tree || tree.error || tree.statements?.length !== 1) return { sql, deferred: [] };
    const ctes = new Set<string>();
    const tables: BaseTable[] = [];
    walk(tree, ctes, tables);
    const here = (await conn.runAndReadAll('SELECT current_database() AS d, current_schema() AS s')).getRowObjectsJson()[0]!;
    const database = String(here['d']);
    const schema = String(here['s']);
    const deferred: DeferredRead[] = [];
    const seen = new Map<string, RelationName | null>();
    for (const t of tables) {
      if (t.catalog_name && t.catalog_name.toLowerCase() !== database.toLowerCase()) continue;
      if (!t.catalog_name && !t.schema_name && ctes.has(t.table_name.toLowerCase())) continue;
      const wanted = { schema: t.schema_name || schema, name: t.table_name };
      const id = `${wanted.schema}.${wanted.name}`.toLowerCase();
      if (own && `${own.schema}.${own.name}`.toLowerCase() === id) continue;
      if (!seen.has(id)) seen.set(id, await this.deferredRelation(conn, database, wanted));
      const there = seen.get(id);
      if (!there) continue;
      t.catalog_name = this.catalog;
      t.schema_name = there.schema;
      t.table_name = there.name;
      if (!deferred.some((d) => d.relation === `${wanted.schema}.${wanted.name}`)) {
        deferred.push({ relation: `${wanted.schema}.${wanted.name}`, readFrom: `${this.opts.deferTo.name}:${there.schema}.${there.name}` });
      }
    }
    if (deferred.length === 0) return { sql, deferred };
    const rewritten = (await conn.runAndReadAll('SELECT json_deserialize_sql($1::JSON) AS s', [stringifyKeepingBigNumbers(tree)])).getRowObjectsJson()[0]?.['s'];
    return { sql: String(rewritten), deferred };
  }

  /** Where the deferred target has `wanted`, when the run's database lacks it; else null. */
  private async deferredRelation(conn: DuckDBConnection, database: string, wanted: RelationName): Promise<RelationName | null> {
    if (await relationExists(conn, database, wanted)) return null;
    // An asset's relation can differ per target (dbt's schema follows the target's): look it up on the deferred one.
    const node = (await this.assetsByRunRelation()).get(`${wanted.schema}.${wanted.name}`.toLowerCase());
    let there: RelationName = wanted;
    if (node) {
      const r = await this.relations.of(node, this.opts.deferTo);
      if (r.ok) there = r.relation;
    }
    return (await relationExists(conn, this.catalog, there)) ? there : null;
  }

  private assetsByRunRelation(): Promise<Map<string, AssetNode>> {
    this.byRunRelation ??= (async () => {
      const map = new Map<string, AssetNode>();
      for (const node of this.opts.graph.nodes.values()) {
        const r = await this.relations.of(node, this.opts.runTarget);
        if (r.ok) map.set(`${r.relation.schema}.${r.relation.name}`.toLowerCase(), node);
      }
      return map;
    })();
    return this.byRunRelation;
  }
}

interface BaseTable {
  type: 'BASE_TABLE';
  catalog_name: string;
  schema_name: string;
  table_name: string;
}

/** Collects CTE names and base-table references anywhere in a serialized statement. */
function walk(value: unknown, ctes: Set<string>, tables: BaseTable[]): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, ctes, tables);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const obj = value as Record<string, unknown>;
  if (obj['type'] === 'BASE_TABLE' && typeof obj['table_name'] === 'string') tables.push(obj as unknown as BaseTable);
  const map = (obj['cte_map'] as { map?: { key?: unknown }[] } | undefined)?.map;
  if (Array.isArray(map)) for (const entry of map) if (typeof entry.key === 'string') ctes.add(entry.key.toLowerCase());
  for (const v of Object.values(obj)) walk(v, ctes, tables);
}

async function relationExists(conn: DuckDBConnection, database: string, r: RelationName): Promise<boolean> {
  const rows = (
    await conn.runAndReadAll(
      `SELECT count(*) AS n FROM (
         SELECT schema_name, table_name AS name FROM duckdb_tables() WHERE database_name = $1
         UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = $1 AND NOT internal
       ) WHERE lower(schema_name) = lower($2) AND lower(name) = lower($3)`,
      [database, r.schema, r.name],
    )
  ).getRowObjectsJson();
  return Number(rows[0]?.['n'] ?? 0) > 0;
}

// The serializer writes integers JavaScript numbers cannot hold (unset positions, big literals):
// carried through as marked strings and written back as the digits they were.
const BIG = '\u0000big:';

function parseKeepingBigNumbers(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j]!)) j++;
      const token = text.slice(i, j);
      out += Number.isSafeInteger(Number(token)) || /[.eE]/.test(token) ? token : JSON.stringify(BIG + token);
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return JSON.parse(out);
}

function stringifyKeepingBigNumbers(value: unknown): string {
  const marker = JSON.stringify(BIG).slice(1, -1);
  return JSON.stringify(value).replace(new RegExp(`"${marker.replace(/\\/g, '\\\\')}(-?[0-9]+)"`, 'g'), '$1');
}
