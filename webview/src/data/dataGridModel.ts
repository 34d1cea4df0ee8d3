// The data grid's view model: what a cell shows, which pages to ask for, how a
// huge row count maps onto a scrollbar. Pure: no DOM, tested on its own.
import type { DataCell, DataColumnInfo, DataSortKey } from '../../../src/protocol/dataMessages';
import { DATA_PAGE_ROWS } from '../../../src/protocol/dataMessages';

export const PAGE_ROWS = DATA_PAGE_ROWS;
/** Browsers cap an element's height (~33M px in Chromium): past this the scrollbar is scaled. */
export const MAX_SCROLL_PX = 8_000_000;
const MAX_CELL_CHARS = 200;

export interface CellDisplay {
  readonly text: string;
  /** The whole value, on hover, when the text is not all of it. */
  readonly title?: string;
  readonly className: 'null' | 'empty' | 'number' | 'bool' | 'nested' | 'text';
  /** STRUCT, LIST, MAP and JSON objects/arrays open in the detail view. */
  readonly expandable: boolean;
}

/**
 * The locale's formats, made once: `toLocaleString(locale)` builds a new formatter on every call,
 * which cost a screen of 700 cells tens of ms.
 */
const formats = new Map<string, { readonly whole: Intl.NumberFormat; readonly fraction: Intl.NumberFormat; readonly decimal: string }>();

function formatsOf(locale: string | undefined): { readonly whole: Intl.NumberFormat; readonly fraction: Intl.NumberFormat; readonly decimal: string } {
  const key = locale ?? '';
  let f = formats.get(key);
  if (!f) {
    const fraction = new Intl.NumberFormat(locale, { maximumFractionDigits: 17 });
    f = { whole: new Intl.NumberFormat(locale), fraction, decimal: fraction.format(1.5).charAt(1) };
    formats.set(key, f);
  }
  return f;
}

/** A number in the user's locale, exactly: wide integers and DECIMALs arrive as text and are grouped without rounding. */
export function numberText(value: number | string, locale: string | undefined): string {
  const f = formatsOf(locale);
  if (typeof value === 'number') return Number.isInteger(value) ? f.whole.format(value) : f.fraction.format(value);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return value; // NaN, Infinity, exponent forms: as DuckDB wrote them
  const whole = f.whole.format(BigInt(m[2]!));
  if (m[3] === undefined) return `${m[1]}${whole}`;
  return `${m[1]}${whole}${f.decimal}${m[3]}`;
}

/** A nested value on one line: `{a: 1, tags: [x, NULL]}`, cut at `max` characters. */
export function compactText(value: DataCell, max = MAX_CELL_CHARS): string {
  let out = '';
  const walk = (v: DataCell): void => {
    if (out.length > max) return;
    if (v === null) out += 'NULL';
    else if (Array.isArray(v)) {
      out += '[';
      v.forEach((x, i) => {
        if (i > 0) out += ', ';
        walk(x);
      });
      out += ']';
    } else if (typeof v === 'object') {
      out += '{';
      Object.entries(v).forEach(([k, x], i) => {
        if (i > 0) out += ', ';
        out += `${k}: `;
        walk(x);
      });
      out += '}';
    } else out += typeof v === 'string' ? JSON.stringify(v) : String(v);
  };
  walk(value);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/** What one cell shows: NULL apart from '', numbers in locale, long text cut with the whole on hover, nested compact. */
export function cellDisplay(value: DataCell, column: DataColumnInfo, locale: string | undefined): CellDisplay {
  if (value === null) return { text: 'NULL', className: 'null', expandable: false };
  if (typeof value === 'object') {
    const text = compactText(value);
    return { text, title: JSON.stringify(value, null, 2), className: 'nested', expandable: true };
  }
  if (typeof value === 'boolean') return { text: String(value), className: 'bool', expandable: false };
  if (column.kind === 'number' && (typeof value === 'number' || typeof value === 'string')) {
    return { text: numberText(value, locale), title: String(value), className: 'number', expandable: false };
  }
  const text = String(value);
  if (text === '') return { text: '', title: 'empty text (not NULL)', className: 'empty', expandable: false };
  const oneLine = text.replace(/\r?\n/g, ' ⏎ ');
  const cut = oneLine.length > MAX_CELL_CHARS ? `${oneLine.slice(0, MAX_CELL_CHARS - 1)}…` : oneLine;
  return { text: cut, ...(cut !== text || text.length > 40 ? { title: text } : {}), className: 'text', expandable: false };
}

/** A cell as copied: text as is, NULL as empty, nested values as JSON. */
export function cellCopyText(value: DataCell): string {
  if (value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Rows as tab-separated text with a header, for pasting into a spreadsheet. */
export function rowsAsTsv(columns: readonly DataColumnInfo[], rows: readonly (readonly DataCell[])[]): string {
  const clean = (t: string) => t.replace(/[\t\r\n]+/g, ' ');
  return [columns.map((c) => clean(c.name)).join('\t'), ...rows.map((r) => r.map((v) => clean(cellCopyText(v))).join('\t'))].join('\n');
}

/** A header click: ascending, then descending, then unsorted (one column at a time). */
export function nextSort(sort: readonly DataSortKey[], column: string): DataSortKey[] {
  const current = sort.find((s) => s.column === column);
  if (!current) return [{ column, descending: false }];
  if (!current.descending) return [{ column, descending: true }];
  return [];
}

/** The pages holding rows [first, last], clipped to the view's rows. */
export function pagesFor(first: number, last: number, totalRows: number, pageRows = PAGE_ROWS): number[] {
  if (totalRows <= 0 || last < first) return [];
  const lo = Math.max(0, Math.floor(first / pageRows));
  const hi = Math.min(Math.floor((totalRows - 1) / pageRows), Math.floor(last / pageRows));
  const pages: number[] = [];
  for (let p = lo; p <= hi; p++) pages.push(p);
  return pages;
}

/**
 * Rows onto a scrollbar: the spacer is rows × height until that passes what a
 * browser can draw, then scaled, so that the thumb still reaches every row.
 */
export interface ScrollMap {
  readonly spacerPx: number;
  /** The first row drawn at a scroll position. */
  firstRowAt(scrollTop: number, viewportPx: number): number;
  scrollTopFor(row: number, viewportPx: number): number;
}

export function scrollMap(totalRows: number, rowPx: number, maxPx = MAX_SCROLL_PX): ScrollMap {
  const natural = totalRows * rowPx;
  const spacerPx = Math.min(natural, maxPx);
  return {
    spacerPx,
    firstRowAt(scrollTop, viewportPx) {
      if (natural <= maxPx) return Math.floor(scrollTop / rowPx);
      const range = spacerPx - viewportPx;
      const rowsOnScreen = Math.floor(viewportPx / rowPx);
      const fraction = range > 0 ? Math.min(1, Math.max(0, scrollTop / range)) : 0;
      return Math.round(fraction * Math.max(0, totalRows - rowsOnScreen));
    },
    scrollTopFor(row, viewportPx) {
      if (natural <= maxPx) return row * rowPx;
      const rowsOnScreen = Math.floor(viewportPx / rowPx);
      return (row / Math.max(1, totalRows - rowsOnScreen)) * (spacerPx - viewportPx);
    },
  };
}

/** Screens' rows kept apart from pages: a few jumps' worth (their pages replace them). */
const SCREENS_KEPT = 4;

/**
 * Of rows `first`..`last` (on screen), the ones in pages about to be asked
 * (`asking`), as one range: what a jump asks for alone before those pages, so
 * that it waits for a screen's rows (a read costs by rows when they are
 * scattered through a sorted view, and every row is sent and converted)
 * rather than for whole pages.
 */
export function screenRowsToAsk(first: number, last: number, asking: readonly number[], pageRows = PAGE_ROWS): { offset: number; limit: number } | undefined {
  if (asking.length === 0 || last < first) return undefined;
  const lo = Math.max(first, Math.min(...asking) * pageRows);
  const hi = Math.min(last, (Math.max(...asking) + 1) * pageRows - 1);
  return hi < lo ? undefined : { offset: lo, limit: hi - lo + 1 };
}

/**
 * The pages of one view (source, target, sort and filters): what is loaded,
 * what is asked for. A new view starts a new cache; replies for another are dropped.
 */
export class PageCache {
  private readonly pages = new Map<number, readonly (readonly DataCell[])[]>();
  private readonly asked = new Set<number>();
  /** Rows read for a screen ahead of their pages (after a jump), newest first. */
  private readonly screens: { readonly first: number; readonly rows: readonly (readonly DataCell[])[] }[] = [];
  /** Pages kept at most; the farthest from the screen go first. */
  constructor(private readonly keep = 60) {}

  row(index: number, pageRows = PAGE_ROWS): readonly DataCell[] | undefined {
    const inPage = this.pages.get(Math.floor(index / pageRows))?.[index % pageRows];
    if (inPage) return inPage;
    for (const s of this.screens) if (index >= s.first && index < s.first + s.rows.length) return s.rows[index - s.first];
    return undefined;
  }

  /** Rows of one screen, read before their pages: drawn at once, until the pages come. */
  putRows(first: number, rows: readonly (readonly DataCell[])[]): void {
    this.screens.unshift({ first, rows });
    this.screens.length = Math.min(this.screens.length, SCREENS_KEPT);
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /**
   * Of these pages (most wanted first), the ones neither loaded nor asked for,
   * while fewer than `maxInFlight` are asked and unanswered (and marks them
   * asked): a slow read, deep in a sorted view, never piles up requests for
   * pages scrolled past long ago.
   */
  toAsk(pages: readonly number[], maxInFlight = Number.POSITIVE_INFINITY): number[] {
    const room = Math.max(0, maxInFlight - this.asked.size);
    const out = pages.filter((p) => !this.pages.has(p) && !this.asked.has(p)).slice(0, room);
    for (const p of out) this.asked.add(p);
    return out;
  }

  put(page: number, rows: readonly (readonly DataCell[])[], near: number): void {
    this.asked.delete(page);
    this.pages.set(page, rows);
    if (this.pages.size <= this.keep) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
    for (const p of far.slice(0, this.pages.size - this.keep)) this.pages.delete(p);
  }

  /** A failed page may be asked for again. */
  forget(page: number): void {
    this.asked.delete(page);
  }
}
