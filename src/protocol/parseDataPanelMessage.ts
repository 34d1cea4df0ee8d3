import type { DataCompareSpec, DataFilter, DataFilterOp, DataPanelSavedState, DataPanelSource, DataSortKey, DataViewSpec, DataWebviewToExtensionMessage } from './dataMessages';

const OPS: readonly DataFilterOp[] = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'is null', 'is not null'];
/** A page is at most this many rows: the panel asks for what is on screen, not the table. */
export const MAX_PAGE_ROWS = 5_000;
const MAX_TEXT = 1024 * 1024;
const MAX_TERMS = 64;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isText(v: unknown, max = 4096): v is string {
  return typeof v === 'string' && v.length <= max && !v.includes('\0');
}

function isName(v: unknown): v is string {
  return isText(v) && v.length > 0;
}

function isWhole(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
}

function parseSort(v: unknown): DataSortKey | undefined {
  if (!isRecord(v) || !isName(v.column) || (v.descending !== undefined && typeof v.descending !== 'boolean')) return undefined;
  return { column: v.column, descending: v.descending === true };
}

function parseFilter(v: unknown): DataFilter | undefined {
  if (!isRecord(v) || !isName(v.column) || !OPS.includes(v.op as DataFilterOp)) return undefined;
  const op = v.op as DataFilterOp;
  if (op === 'is null' || op === 'is not null') return { column: v.column, op };
  return isText(v.value) ? { column: v.column, op, value: v.value } : undefined;
}

/** Sort and filters from the panel: every term well-formed, or nothing. */
export function parseViewSpec(v: unknown): DataViewSpec | undefined {
  if (!isRecord(v) || !Array.isArray(v.sort) || !Array.isArray(v.filters) || v.sort.length > MAX_TERMS || v.filters.length > MAX_TERMS) return undefined;
  const sort = v.sort.map(parseSort);
  const filters = v.filters.map(parseFilter);
  if (sort.some((s) => !s) || filters.some((f) => !f)) return undefined;
  return { sort: sort as DataSortKey[], filters: filters as DataFilter[] };
}

function parseSource(v: unknown): DataPanelSource | undefined {
  if (!isRecord(v) || !isName(v.root)) return undefined;
  if (v.kind === 'asset' && isName(v.key)) return { kind: 'asset', key: v.key, root: v.root };
  if (v.kind === 'query' && isText(v.sql, MAX_TEXT)) return { kind: 'query', sql: v.sql, root: v.root, ...(isName(v.thisKey) ? { thisKey: v.thisKey } : {}) };
  return undefined;
}

function parseCompareSpec(v: unknown): DataCompareSpec | undefined {
  if (!isRecord(v) || !isName(v.root) || !isName(v.asset) || !isName(v.from) || !isName(v.to)) return undefined;
  return { root: v.root, asset: v.asset, from: v.from, to: v.to };
}

/**
 * The webview is untrusted input: returns the typed message, or undefined
 * for anything malformed (unknown type, missing or ill-typed field).
 */
export function parseDataPanelMessage(value: unknown): DataWebviewToExtensionMessage | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'requestPage': {
      const view = parseViewSpec(value.view);
      const { generation, requestId, offset, limit, count, screenRow, screen } = value;
      if (!view || !isWhole(generation) || !isWhole(requestId) || !isWhole(offset) || !isWhole(limit, MAX_PAGE_ROWS) || typeof count !== 'boolean' || !isWhole(screenRow)) return undefined;
      if (screen !== undefined && typeof screen !== 'boolean') return undefined;
      return { type: 'requestPage', generation, requestId, view, offset, limit, count, screenRow, ...(screen ? { screen } : {}) };
    }
    case 'requestProfile': {
      const view = parseViewSpec(value.view);
      if (!view || !isWhole(value.generation) || !isWhole(value.requestId)) return undefined;
      return { type: 'requestProfile', generation: value.generation, requestId: value.requestId, view };
    }
    case 'selectTarget':
      return isName(value.target) ? { type: 'selectTarget', target: value.target } : undefined;
    case 'copy':
      return isText(value.text, 16 * MAX_TEXT) ? { type: 'copy', text: value.text } : undefined;
    case 'runQuery':
      return isText(value.sql, MAX_TEXT) && value.sql.trim() !== '' ? { type: 'runQuery', sql: value.sql } : undefined;
    case 'drawn':
      return isWhole(value.generation) && isWhole(value.rows) ? { type: 'drawn', generation: value.generation, rows: value.rows } : undefined;
    case 'export': {
      const view = parseViewSpec(value.view);
      if (!view || !isWhole(value.generation) || (value.format !== 'csv' && value.format !== 'parquet')) return undefined;
      return { type: 'export', generation: value.generation, view, format: value.format };
    }
    case 'compareAgain':
      return isWhole(value.generation) ? { type: 'compareAgain', generation: value.generation } : undefined;
    case 'previewSide':
      return isWhole(value.generation) && isName(value.target) ? { type: 'previewSide', generation: value.generation, target: value.target } : undefined;
    default:
      return undefined;
  }
}

/** The state VS Code hands back after a reload was written by the webview: checked like a message. */
export function parseSavedState(value: unknown): DataPanelSavedState {
  if (!isRecord(value)) return {};
  const source = parseSource(value.source);
  const view = parseViewSpec(value.view);
  const compare = parseCompareSpec(value.compare);
  return {
    ...(source ? { source } : {}),
    ...(compare ? { compare } : {}),
    ...(isName(value.target) ? { target: value.target } : {}),
    ...(view ? { view } : {}),
    ...(value.tab === 'profile' || value.tab === 'data' ? { tab: value.tab } : {}),
  };
}
