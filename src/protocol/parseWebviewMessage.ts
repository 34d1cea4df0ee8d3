import type { MaterializeMode, RememberedLayout, WebviewToExtensionMessage } from './lineageMessages';

/** Keys and column names are short text; anything longer is not one of ours. */
const maxKeyLength = 1024;
/** An exported SVG of 5,000 nodes is a few MB; refuse anything absurd. */
const maxSvgLength = 64 * 1024 * 1024;
/** A remembered layout is kept in the workspace's storage: bigger graphs lay out again. */
const maxLayoutNodes = 10_000;
const modes: readonly MaterializeMode[] = ['asset', 'upstream', 'downstream'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKey(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= maxKeyLength && !value.includes('\0');
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isCoordinate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A layout as the page reports it, rebuilt from checked fields only (it is stored and handed to a later page). */
function parseLayout(value: unknown): RememberedLayout | undefined {
  if (!isRecord(value) || !isKey(value.key) || !isCount(value.width) || !isCount(value.height)) return undefined;
  const { nodes, clusters } = value;
  if (!Array.isArray(nodes) || !Array.isArray(clusters) || nodes.length > maxLayoutNodes || clusters.length > nodes.length) return undefined;
  const placed: { id: string; x: number; y: number }[] = [];
  for (const n of nodes as unknown[]) {
    if (!isRecord(n) || !isKey(n.id) || !isCoordinate(n.x) || !isCoordinate(n.y)) return undefined;
    placed.push({ id: n.id, x: n.x, y: n.y });
  }
  const boxes: { id: string; x: number; y: number; width: number; height: number }[] = [];
  for (const c of clusters as unknown[]) {
    if (!isRecord(c) || typeof c.id !== 'string' || c.id.length > maxKeyLength || !isCoordinate(c.x) || !isCoordinate(c.y) || !isCount(c.width) || !isCount(c.height)) {
      return undefined;
    }
    boxes.push({ id: c.id, x: c.x, y: c.y, width: c.width, height: c.height });
  }
  return { key: value.key, nodes: placed, clusters: boxes, width: value.width, height: value.height };
}

/**
 * The webview is untrusted input: returns the typed message, or undefined
 * for anything malformed (unknown type, missing or ill-typed field).
 */
export function parseWebviewMessage(value: unknown): WebviewToExtensionMessage | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  switch (value.type) {
    case 'ready':
      return {
        type: 'ready',
        ...(isCount(value.pageMs) ? { pageMs: value.pageMs as number } : {}),
        ...(isCount(value.pageStartedAt) ? { pageStartedAt: value.pageStartedAt as number } : {}),
        ...(isCount(value.scriptLoadedMs) ? { scriptLoadedMs: value.scriptLoadedMs as number } : {}),
      };
    case 'openDefinition':
      return isKey(value.key) ? { type: 'openDefinition', key: value.key } : undefined;
    case 'details':
      return isKey(value.key) ? { type: 'details', key: value.key } : undefined;
    case 'columns':
      return isKey(value.key) ? { type: 'columns', key: value.key } : undefined;
    case 'columnTrace':
      return isKey(value.key) && isKey(value.column) ? { type: 'columnTrace', key: value.key, column: value.column } : undefined;
    case 'runChecks':
      return isKey(value.key) ? { type: 'runChecks', key: value.key } : undefined;
    case 'materialize':
      if (!isKey(value.key) || !modes.includes(value.mode as MaterializeMode)) return undefined;
      return { type: 'materialize', key: value.key, mode: value.mode as MaterializeMode };
    case 'previewData':
      return isKey(value.key) ? { type: 'previewData', key: value.key } : undefined;
    case 'compare':
      return isKey(value.key) ? { type: 'compare', key: value.key } : undefined;
    case 'exportSvg':
      if (typeof value.svg !== 'string' || value.svg.length > maxSvgLength || !value.svg.trimStart().startsWith('<svg')) {
        return undefined;
      }
      return { type: 'exportSvg', svg: value.svg };
    case 'rendered': {
      const { nodes, edges, layoutMs, drawMs, totalMs, inWorker, pageMs } = value;
      if (![nodes, edges, layoutMs, drawMs, totalMs].every(isCount) || typeof inWorker !== 'boolean') return undefined;
      return {
        type: 'rendered',
        nodes: nodes as number,
        edges: edges as number,
        layoutMs: layoutMs as number,
        drawMs: drawMs as number,
        totalMs: totalMs as number,
        inWorker,
        ...(value.remembered === true ? { remembered: true } : {}),
        ...(isCount(pageMs) ? { pageMs: pageMs as number } : {}),
        ...(isCount(value.snapshotMs) ? { snapshotMs: value.snapshotMs as number } : {}),
        ...(isCount(value.loadedMs) ? { loadedMs: value.loadedMs as number } : {}),
      };
    }
    case 'layout': {
      const layout = parseLayout(value.layout);
      return layout ? { type: 'layout', layout } : undefined;
    }
    default:
      return undefined;
  }
}
