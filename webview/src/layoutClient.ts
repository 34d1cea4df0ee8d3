// Lays the graph out: on the UI thread or in the layout worker, reusing what the last layout already placed.
import { clusterSignatures, clustersOnly, layoutClusterBoxes, placeClusters } from './layout/layeredLayout';
import type { ClusterBox, LayoutInput, LayoutResult } from './layout/layeredLayout';
import { layoutFromRemembered, layoutKey, layoutSignature } from './layout/layoutKey';
import type { RememberedLayout } from '../../src/protocol/lineageMessages';

/** Above this many nodes a layout after the first runs in the worker, so keys and pans are taken meanwhile. */
const WORKER_THRESHOLD = 300;
/*
 * One worker, for layouts after the first only. Measured with npm run bench:lineage (5,000 assets, 2 cores,
 * 2026-12-03, load 5–13, five runs): laying the drawn graph out again (direction changed) blocked the page
 * 0.55–2.1 s on its own thread (a key pressed meanwhile waited up to 2.1 s), 0.09–0.6 s with a worker
 * (the draw; key delay ≤ 0.66 s): the worker pays there. A second worker did not (layout 0.71–1.10 s with one, 0.65–1.20 s with
 * two on the same cores), so there is one. The first layout does not pay either: 1.05–1.21 s on the page
 * against 1.23–2.37 s in the workers (structured clone, a cold worker), while there is nothing yet to pan;
 * so it runs on the page, and the worker is started only after the first render, off the opening's path.
 */

type WorkerReply = { boxes?: ClusterBox[]; result?: LayoutResult; error?: string };

export interface LayoutOutcome {
  readonly result: LayoutResult;
  readonly inWorker: boolean;
  /** Nodes laid out again (0: the last or a remembered layout was reused whole). */
  readonly laidOut: number;
  /** Taken from the layout the extension remembered from an earlier panel. */
  readonly remembered: boolean;
  /** What the layout is remembered by (RememberedLayout.key). */
  readonly key: string;
}

/**
 * The layout worker and the layout cache of one page. `workerUri` is the
 * worker script (webviews cannot start a worker from a resource URL; a blob:
 * URL of the fetched script works).
 */
export class LayoutClient {
  private worker: Worker | undefined;
  private starting: Promise<void> | undefined;
  private workerSeq = 0;
  private readonly waiting = new Map<number, (reply: WorkerReply) => void>();
  private lastLayout: { signature: string; result: LayoutResult } | undefined;
  /** Laid-out clusters by signature (clusterSignatures), from the last layout: an expanded node lays out its own cluster only. */
  private boxCache = new Map<string, ClusterBox>();
  /** Handed over with the first snapshot; used for the page's first layout only. */
  private remembered: RememberedLayout | undefined;

  constructor(private readonly workerUri: string | undefined) {}

  /** Starts the worker (once); undefined when it cannot start, and layouts then stay on the page. */
  async startWorker(): Promise<Worker | undefined> {
    this.starting ??= this.start();
    await this.starting;
    return this.worker; // undefined again once it failed
  }

  private async start(): Promise<void> {
    try {
      const uri = this.workerUri;
      if (!uri) throw new Error('no worker script');
      const response = await fetch(uri);
      if (!response.ok) throw new Error(`worker script: HTTP ${response.status}`);
      const w = new Worker(URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' })));
      w.onmessage = (event: MessageEvent<WorkerReply & { id: number }>) => {
        const done = this.waiting.get(event.data.id);
        this.waiting.delete(event.data.id);
        done?.(event.data);
      };
      w.onerror = () => {
        this.worker = undefined;
        for (const done of this.waiting.values()) done({ error: 'worker failed' });
        this.waiting.clear();
      };
      this.worker = w;
    } catch (err) {
      console.warn('Lineage: laying out on the UI thread:', err);
    }
  }

  private askWorker(w: Worker, input: LayoutInput, place?: ClusterBox[]): Promise<WorkerReply> {
    const id = ++this.workerSeq;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      w.postMessage(place ? { id, input, place } : { id, input });
    });
  }

  /** A layout an earlier panel computed: the first layout takes it instead if it is of the same graph seen the same way. */
  remember(layout: RememberedLayout): void {
    if (this.lastLayout === undefined) this.remembered = layout;
  }

  async computeLayout(input: LayoutInput): Promise<LayoutOutcome> {
    const signature = layoutSignature(input);
    const key = layoutKey(signature, input.nodes.length);
    if (this.lastLayout?.signature === signature) return { result: this.lastLayout.result, inWorker: false, laidOut: 0, remembered: false, key };
    const remembered = this.lastLayout === undefined ? layoutFromRemembered(this.remembered, key, input) : undefined;
    this.remembered = undefined;
    if (remembered) {
      // No cluster boxes: a later change lays every cluster out again, once.
      this.lastLayout = { signature, result: remembered };
      return { result: remembered, inWorker: false, laidOut: 0, remembered: true, key };
    }
    const signatures = clusterSignatures(input);
    const missing = new Set([...signatures].filter(([, sig]) => !this.boxCache.has(sig)).map(([c]) => c));
    const fresh = new Map<string, ClusterBox>();
    let inWorker = false;
    let laidOut = 0;
    let worker: Worker | undefined;
    if (missing.size > 0) {
      const todo = missing.size === signatures.size ? input : clustersOnly(input, missing);
      laidOut = todo.nodes.length;
      let boxes: ClusterBox[] | undefined;
      if (todo.nodes.length > WORKER_THRESHOLD && this.lastLayout !== undefined) {
        worker = await this.startWorker();
        const reply = worker ? await this.askWorker(worker, todo) : undefined;
        if (reply?.boxes) {
          boxes = reply.boxes;
          inWorker = true;
        }
      }
      boxes ??= layoutClusterBoxes(todo);
      for (const b of boxes) fresh.set(b.id, b);
    }
    const all = [...signatures].map(([c, sig]) => fresh.get(c) ?? this.boxCache.get(sig)!);
    let result: LayoutResult | undefined;
    // Placed in the worker too when it laid the clusters out: the page stays free meanwhile.
    if (inWorker && worker) result = (await this.askWorker(worker, input, all)).result;
    result ??= placeClusters(all, input);
    this.boxCache = new Map([...signatures].map(([, sig], i) => [sig, all[i]!]));
    this.lastLayout = { signature, result };
    return { result, inWorker, laidOut, remembered: false, key };
  }
}
