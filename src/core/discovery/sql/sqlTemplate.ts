/**
 * The template values of a SQL asset (docs/sql-assets.md) — the only ones: anything else in
 * `{{ … }}` is an error at its position.
 */
export const TEMPLATE_NAMES = ['this', 'watermark', 'partition_start', 'partition_end', 'target'] as const;

export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** SQL text substituted for each value; the engine gives literals already quoted. */
export type TemplateValues = Readonly<Partial<Record<TemplateName, string>>>;

export interface TemplateUse {
  /** The name as written, trimmed (may be unknown). */
  readonly name: string;
  /** 0-based character offset of `{{` in the text. */
  readonly offset: number;
  /** Length of the whole `{{ … }}` token. */
  readonly length: number;
  readonly known: boolean;
  /** `{{` without a closing `}}` on the same line. */
  readonly unclosed?: boolean;
}

const KNOWN = new Set<string>(TEMPLATE_NAMES);

/** Every `{{ … }}` of `sql`, in order. */
export function findTemplates(sql: string): TemplateUse[] {
  const uses: TemplateUse[] = [];
  let i = sql.indexOf('{{');
  while (i !== -1) {
    const close = sql.indexOf('}}', i + 2);
    const eol = sql.indexOf('\n', i + 2);
    if (close === -1 || (eol !== -1 && eol < close)) {
      uses.push({ name: sql.slice(i + 2, eol === -1 ? undefined : eol).trim(), offset: i, length: 2, known: false, unclosed: true });
      i = sql.indexOf('{{', i + 2);
      continue;
    }
    const name = sql.slice(i + 2, close).trim();
    uses.push({ name, offset: i, length: close + 2 - i, known: KNOWN.has(name) });
    i = sql.indexOf('{{', close + 2);
  }
  return uses;
}

/** True when `sql` uses `{{ name }}`. */
export function usesTemplate(sql: string, name: TemplateName): boolean {
  return findTemplates(sql).some((u) => u.known && u.name === name);
}

/**
 * Replaces every known `{{ name }}` by its value. A known name without a value
 * becomes `NULL` (e.g. `{{ watermark }}` before the first load); unknown ones
 * are left as written — discovery reports them, so the engine never runs them.
 */
export function renderTemplate(sql: string, values: TemplateValues): string {
  const uses = findTemplates(sql);
  if (uses.length === 0) return sql;
  let out = '';
  let at = 0;
  for (const u of uses) {
    if (!u.known) continue;
    out += sql.slice(at, u.offset) + (values[u.name as TemplateName] ?? 'NULL');
    at = u.offset + u.length;
  }
  return out + sql.slice(at);
}

/** Table name standing for `{{ this }}` while DuckDB parses the SQL for dependencies. */
export const THIS_PLACEHOLDER = '__this';

/**
 * The SQL with each template replaced by a harmless token of the same
 * length, so DuckDB's error positions still point into the original text.
 */
export function sqlForParsing(sql: string): string {
  const uses = findTemplates(sql);
  if (uses.length === 0) return sql;
  let out = '';
  let at = 0;
  for (const u of uses) {
    // Unknown ones are reported by discovery; blanked here so DuckDB does not report them twice.
    const token = u.unclosed ? '' : u.known && u.name === 'this' ? THIS_PLACEHOLDER : 'NULL';
    out += sql.slice(at, u.offset) + token.padEnd(u.length, ' ');
    at = u.offset + u.length;
  }
  return out + sql.slice(at);
}
