import { createHash } from 'node:crypto';
import { basename, dirname, extname, relative, sep } from 'node:path';
import type { AssetDefinition, DependencyRef, FileDiscovery } from '../../asset';
import type { AssetKey } from '../../assetKey';
import { parseKey } from '../../assetKey';
import type { Problem, SourceLocation } from '../../problem';
import { problemAt } from '../../problem';
import { LineIndex } from '../textPosition';
import { findHeader, hasAssetHeader, parseSqlHeader } from './sqlHeader';
import { TEMPLATE_NAMES, findTemplates, sqlForParsing } from './sqlTemplate';

// No DuckDB here: this half runs in discovery's worker threads (see discoveryWorker.ts).

export interface SqlReadContext {
  /** Absolute workspace root. */
  readonly root: string;
  /**
   * Absolute folders where SQL assets live (the static bases of the project's `assets` globs).
   * A file under one gets the default name `<folder>.<stem>`; elsewhere, the stem.
   */
  readonly assetRoots?: readonly string[];
}

export interface SqlSourceFile {
  readonly file: string;
  readonly text: string;
}

/**
 * The first half of reading a .sql file: everything but DuckDB's parse (the header's YAML,
 * templates, the hash). Plain data, so it can be made in a worker thread and finished by
 * completeSqlHeaders in the thread that owns DuckDB. A file without a header is just its
 * (empty) discovery.
 */
export type SqlHeaderResult = FileDiscovery | SqlHeaderRead;

export interface SqlHeaderRead {
  readonly header: true;
  /** The file's discovery; completeSqlHeaders adds the SQL's dependencies and problems to it. */
  readonly discovery: FileDiscovery;
  /** The SQL after the header as DuckDB is given it; absent when there is nothing to parse. */
  readonly parseText?: string;
  readonly body: string;
  /** 1-based line and column where the body starts in the file. */
  readonly bodyLine: number;
  readonly bodyColumn: number;
}

export function readSqlHeader(file: string, text: string, context: SqlReadContext): SqlHeaderResult {
  try {
    if (!hasAssetHeader(text)) return { file, assets: [], problems: [] };
    return readHeaderPart(file, text, context);
  } catch (err) {
    return crashedSqlRead(file, err);
  }
}

export type MutableAsset = { -readonly [K in keyof AssetDefinition]: AssetDefinition[K] };

function readHeaderPart(file: string, text: string, context: SqlReadContext): SqlHeaderRead {
  const lines = new LineIndex(text);
  const span = findHeader(text)!;
  const header = parseSqlHeader(file, lines, span);
  const problems: Problem[] = [...header.problems];
  const loc = (offset: number): SourceLocation => ({ file, ...lines.position(offset) });

  const key = header.name ? parseKey(header.name) : defaultKey(file, context);
  if (key.length === 0) {
    problems.push(problemAt(header.nameLocation ?? loc(span.commentStart), 'error', 'sql.header.invalid-value', `'name' must name the asset.`));
  }
  const body = span.yamlEnd === -1 ? '' : text.slice(span.bodyStart);
  const sqlLine = lines.line(span.bodyStart + leadingBlank(body));

  for (const use of findTemplates(body)) {
    if (use.known) continue;
    problems.push(
      problemAt(
        { ...loc(span.bodyStart + use.offset), endLine: lines.line(span.bodyStart + use.offset + use.length), endColumn: lines.position(span.bodyStart + use.offset + use.length).column },
        'error',
        'sql.template.unknown',
        use.unclosed
          ? `'{{' is never closed with '}}'. Template values: ${TEMPLATE_NAMES.map((n) => `{{ ${n} }}`).join(', ')}.`
          : `Unknown template value '{{ ${use.name} }}': only ${TEMPLATE_NAMES.map((n) => `{{ ${n} }}`).join(', ')} exist.`,
      ),
    );
  }
  for (const check of header.checks) {
    const sql = check.config?.['sql'];
    if (typeof sql !== 'string') continue;
    for (const use of findTemplates(sql)) {
      if (!use.known) {
        problems.push(
          problemAt(check.location, 'error', 'sql.template.unknown', `Check '${check.name}' uses unknown template value '{{ ${use.name} }}': only ${TEMPLATE_NAMES.map((n) => `{{ ${n} }}`).join(', ')} exist.`),
        );
      }
    }
  }

  let parseText: string | undefined;
  if (span.yamlEnd !== -1) {
    if (body.trim().length === 0) {
      problems.push(problemAt(loc(span.bodyStart), 'error', 'sql.empty', 'No SQL after the @asset header: write one SELECT query below it.'));
    } else {
      parseText = sqlForParsing(body);
    }
  }

  const relation = key.length >= 2 ? { schema: key[key.length - 2]!, name: key[key.length - 1]! } : { name: key[0] ?? '' };
  const headerDeps: DependencyRef[] = header.depends.map((d) => ({ key: parseKey(d.text), origin: 'header', location: d.location }));
  const asset: MutableAsset = {
    key,
    source: 'sql',
    location: loc(span.commentStart),
    group: header.group ?? defaultGroup(file, context),
    kind: header.kind,
    deps: headerDeps,
    checks: header.checks,
    definitionHash: createHash('sha256').update(text).digest('hex'),
    sql: {
      kind: header.kind,
      relation,
      sql: body,
      sqlLine,
      ...(header.uniqueKey ? { uniqueKey: header.uniqueKey } : {}),
      ...(header.watermark ? { watermark: header.watermark } : {}),
      ...(header.partition ? { partition: header.partition } : {}),
    },
  };
  if (header.description !== undefined) asset.description = header.description;
  const discovery: FileDiscovery = { file, assets: key.length > 0 ? [asset] : [], problems };
  const bodyAt = lines.position(span.bodyStart);
  return {
    header: true,
    discovery,
    body,
    bodyLine: bodyAt.line,
    bodyColumn: bodyAt.column,
    ...(parseText !== undefined ? { parseText } : {}),
  };
}


export function leadingBlank(s: string): number {
  const m = /^\s*/.exec(s);
  return m ? m[0].length : 0;
}

function underAssetRoot(file: string, context: SqlReadContext): boolean {
  return (context.assetRoots ?? []).some((r) => {
    const rel = relative(r, file);
    return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && dirname(file) !== r;
  });
}

/** `<folder>.<stem>` under an assets root (e.g. assets/raw/taxi_trips.sql => raw/taxi_trips), else the stem. */
export function defaultKey(file: string, context: SqlReadContext): AssetKey {
  const stem = basename(file, extname(file));
  if (underAssetRoot(file, context)) return [basename(dirname(file)), stem];
  return [stem];
}

function defaultGroup(file: string, context: SqlReadContext): string {
  const dir = dirname(file);
  return dir === context.root || relative(context.root, dir).startsWith('..') ? 'default' : basename(dir);
}

export function crashedSqlRead(file: string, err: unknown): FileDiscovery {
  return {
    file,
    assets: [],
    problems: [
      problemAt(
        { file, line: 1, column: 1 },
        'error',
        'sql.internal',
        `Asset Studio could not read this file (please report it): ${err instanceof Error ? err.message : String(err)}`,
      ),
    ],
  };
}
