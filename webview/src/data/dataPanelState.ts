// The data panel's mutable state in one place: each part of the page is handed this object.
import type {
  ColumnProfileInfo,
  CompareMessage,
  DataColumnInfo,
  DataPanelSavedState,
  DataViewSpec,
  DataWebviewToExtensionMessage,
  ShowSourceMessage,
} from '../../../src/protocol/dataMessages';
import { PageCache, scrollMap } from './dataGridModel';
import type { ScrollMap } from './dataGridModel';
import type { DataPanelDom } from './dataPage';
import { ROW_PX } from './gridLayout';
import type { PendingRead } from './pageRequests';

export type DataTab = 'data' | 'profile';

export interface DataPanelState {
  readonly dom: DataPanelDom;
  readonly post: (message: DataWebviewToExtensionMessage) => void;
  /** Keeps what a reload needs to show the panel again (vscode.setState). */
  readonly saveState: () => void;
  readonly setStatus: (text: string, error?: boolean) => void;
  /** Numbers and dates are shown in the user's locale. */
  readonly locale: string;
  show: ShowSourceMessage | undefined;
  /** The compare shown in place of the grid, if any. */
  comparing: CompareMessage | undefined;
  view: DataViewSpec;
  tab: DataTab;
  columns: readonly DataColumnInfo[];
  widths: number[];
  totalRows: number | undefined;
  cache: PageCache;
  map: ScrollMap;
  nextRequest: number;
  /** Requests of the current view: id → what it asked. A reply to anything else is stale and dropped. */
  pending: Map<number, PendingRead>;
  profileRequest: number | undefined;
  profile: readonly ColumnProfileInfo[] | undefined;
  profileSample: { readonly percent: number; readonly totalRows: number } | undefined;
  selRow: number;
  selCol: number;
  anchorRow: number;
  /** The animation frame a grid render is queued for (0: none). */
  frame: number;
  /** The page of the first row on screen, as last drawn. */
  screenPage: number;
  /** The first row on screen, as last drawn: the extension skips reads queued for far from it. */
  screenRow: number;
  /** The show whose first drawn rows were reported. */
  drawnGeneration: number;
  /** The SQL of the data tab and of the profile, each shown with its tab. */
  pageSqlText: string;
  profileSqlText: string;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** The state of a page just built, with the tab VS Code kept for it. */
export function createDataPanelState(vscode: VsCodeApi, dom: DataPanelDom): DataPanelState {
  const saved = vscode.getState() as DataPanelSavedState | undefined;
  const state: DataPanelState = {
    dom,
    post: (message) => vscode.postMessage(message),
    saveState: () => {
      const { comparing, show, view, tab } = state;
      const kept: DataPanelSavedState = comparing ? { compare: comparing.spec } : { ...(show ? { source: show.source, target: show.target } : {}), view, tab };
      vscode.setState(kept);
    },
    setStatus: (text, error = false) => {
      dom.statusEl.textContent = text;
      dom.statusEl.classList.toggle('error', error);
    },
    locale: navigator.language,
    show: undefined,
    comparing: undefined,
    view: { sort: [], filters: [] },
    tab: (saved?.tab as DataTab | undefined) ?? 'data',
    columns: [],
    widths: [],
    totalRows: undefined,
    cache: new PageCache(),
    map: scrollMap(0, ROW_PX),
    nextRequest: 1,
    pending: new Map(),
    profileRequest: undefined,
    profile: undefined,
    profileSample: undefined,
    selRow: 0,
    selCol: 0,
    anchorRow: 0,
    frame: 0,
    screenPage: 0,
    screenRow: 0,
    drawnGeneration: -1,
    pageSqlText: '',
    profileSqlText: '',
  };
  return state;
}
