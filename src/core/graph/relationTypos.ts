import type { Problem, SourceLocation } from '../problem';

export const TYPO_CODE = 'graph.unknown-table-close';

/** The warning at a table that is likely a misspelling of an asset's relation. */
export function typoMessage(read: string, meant: string): string {
  return `Table '${read}' is no asset, so it is read as an external source: did you mean ${meant}?`;
}

const TYPO_MESSAGE = /^Table '([^']+)' is no asset, so it is read as an external source: did you mean (\S+)\?$/;
// `Table with name orderz does not exist!` (DuckDB's guess on the next line), or, when the schema is
// missing too, `Table with name "raw.orderz" does not exist because schema "raw" does not exist.`
const MISSING_TABLE = /(Catalog Error: Table with name "?([^"\s!]+?)"? does not exist(?: because schema "[^"\n]+" does not exist)?[.!]?)(?:\nDid you mean "[^"\n]*"\?)?/;

/**
 * DuckDB's error for a missing table, with its own guess (often an unrelated
 * system table) replaced by the asset the discovery warning named, when the
 * same file has one for that table.
 */
export function withTypoHint(error: string, file: string, problems: readonly Problem[]): string {
  const missing = MISSING_TABLE.exec(error);
  if (!missing) return error;
  const name = missing[2]!.toLowerCase().split('.').pop();
  for (const p of problems) {
    if (p.code !== TYPO_CODE || p.file !== file) continue;
    const m = TYPO_MESSAGE.exec(p.message);
    if (m && m[1]!.toLowerCase().split('.').pop() === name) {
      return error.replace(missing[0], `${missing[1]} Did you mean ${m[2]}? (${m[1]} is no asset: line ${p.line})`);
    }
  }
  return error;
}

/** A table read by SQL that named no asset, and where it was written. */
export interface UnknownTable {
  /** Key string of the external source it became (`raw/orderz`). */
  readonly id: string;
  readonly location: SourceLocation;
}

/** An asset a misspelled table may have meant: its key string and how SQL names it. */
export interface KnownRelation {
  readonly id: string;
  readonly relation: string;
}

/**
 * For each unknown table, the one known relation it is a likely misspelling of:
 * one edit away (an insertion, deletion, substitution or adjacent swap), case
 * aside, in a name of four characters or more. Candidates come from an index of
 * one-deletion variants (two strings one edit apart always share one), so the
 * cost grows with the names, not with their product.
 */
export function likelyMisspellings(unknown: readonly UnknownTable[], known: readonly KnownRelation[]): Map<string, KnownRelation> {
  const out = new Map<string, KnownRelation>();
  if (unknown.length === 0 || known.length === 0) return out;
  const byVariant = new Map<string, string[]>();
  const lengths = new Set<number>();
  for (const u of unknown) {
    const t = u.id.toLowerCase();
    lengths.add(t.length);
    for (const v of deletionVariants(t)) {
      const list = byVariant.get(v);
      if (list) list.push(u.id);
      else byVariant.set(v, [u.id]);
    }
  }
  const best = new Map<string, { k: KnownRelation; d: number; tie: boolean }>();
  for (const k of known) {
    const c = k.id.toLowerCase();
    if (!lengths.has(c.length) && !lengths.has(c.length - 1) && !lengths.has(c.length + 1)) continue;
    const seen = new Set<string>();
    for (const v of deletionVariants(c)) {
      for (const id of byVariant.get(v) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const t = id.toLowerCase();
        if (t === c) continue;
        const d = editDistance(t, c);
        if (d !== 1 || c.length < 4) continue;
        const prev = best.get(id);
        if (!prev || d < prev.d) best.set(id, { k, d, tie: false });
        else if (d === prev.d && prev.k.id !== k.id) prev.tie = true;
      }
    }
  }
  // Two equally close assets: no guess is better than a wrong one.
  for (const [id, b] of best) if (!b.tie) out.set(id, b.k);
  return out;
}

function deletionVariants(s: string): string[] {
  const out = [s];
  for (let i = 0; i < s.length; i++) out.push(s.slice(0, i) + s.slice(i + 1));
  return out;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
