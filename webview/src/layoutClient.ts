// Lays the graph out: on the UI thread or in the layout workers, reusing what the last layout already placed.
import { clusterSignatures, clustersOnly, layoutClusterBoxes, placeClusters } from './layout/layeredLayout';
import type { ClusterBox, LayoutInput, LayoutNodeInput, LayoutResult } from './layout/layeredLayout';

/** Above this many nodes the layout runs in the worker so typing and panning stay responsive. */
const WORKER_THRESHOLD = 300;
/**
 * Two workers: this machine class has two cores, and clusters lay out independently.
 * Measured (npm run bench:lineage, 5,000 assets, first render, 2026-12-03, 2 cores at load 3–9):
 * on the UI thread 528–1,031 ms, one worker 1,407–1,830 ms, two 1,164–1,667 ms. So the workers do
 * not pay for a first render; the second one pays a little over one. What they still buy is a UI
 * thread free to take keys and pans while a big graph is laid out again (search, depth, direction),
 * which the bench does not measure. Whether to drop them is issue 18's call, not this refactor's.
 */
const WORKER_COUNT = 2;
/** Up to this many nodes the page's first layout runs on the UI thread (about 0.3 s at 500). */
const COLD_UI_LAYOUT_LIMIT = 1500;

type WorkerReply = { boxes?: ClusterBox[]; result?: LayoutResult; error?: string };

export interface LayoutOutcome {
  readonly result: LayoutResult;
  readonly inWorker: boolean;
  /** Nodes laid out again (0: the last layout was reused whole). */
  readonly laidOut: number;
}

/** What the layout depends on: a new snapshot that only changes states reuses the last layout. */
function layoutSignature(input: LayoutInput): string {
  const parts: string[] = [input.direction ?? 'lr'];
  for (const n of input.nodes) parts.push(`${n.id}\u0001${n.cluster ?? ''}\u0001${n.height}`);
  for (const e of input.edges) parts.push(`${e.from}\u0002${e.to}`);
  return parts.join('\u0000');
}

/** Splits the clusters in shares of about equal node count, largest first. */
function splitByCluster(input: LayoutInput, shares: number): LayoutInput[] {
  const byCluster = new Map<string, LayoutNodeInput[]>();
  for (const n of input.nodes) {
    const c = n.cluster ?? '';
    (byCluster.get(c) ?? byCluster.set(c, []).get(c)!).push(n);
  }
  const parts = Array.from({ length: shares }, () => ({ nodes: [] as LayoutNodeInput[], ids: new Set<string>() }));
  for (const members of [...byCluster.values()].sort((a, b) => b.length - a.length)) {
    const target = parts.reduce((min, p) => (p.nodes.length < min.nodes.length ? p : min));
    for (const n of members) {
      target.nodes.push(n);
      target.ids.add(n.id);
    }
  }
  return parts
    .filter((p) => p.nodes.length > 0)
    .map((p) => ({
      nodes: p.nodes,
      edges: input.edges.filter((e) => p.ids.has(e.from) && p.ids.has(e.to)),
      ...(input.fast ? { fast: true } : {}),
      ...(input.direction ? { direction: input.direction } : {}),
    }));
}

/**
 * The layout workers and the layout cache of one page. `workerUri` is the
 * worker script (webviews cannot start a worker from a resource URL; a blob:
 * URL of the fetched script works).
 */
export class LayoutClient {
  private workers: Worker[] | undefined;
  private workerFailed = false;
  private workerSeq = 0;
  private readonly waiting = new Map<number, (reply: WorkerReply) => void>();
  private lastLayout: { signature: string; result: LayoutResult } | undefined;
  /** Laid-out clusters by signature (clusterSignatures), from the last layout: an expanded node lays out its own cluster only. */
  private boxCache = new Map<string, ClusterBox>();

  constructor(private readonly workerUri: string | undefined) {}

  async startWorkers(): Promise<Worker[] | undefined> {
    if (this.workers || this.workerFailed) return this.workers;
    try {
      const uri = this.workerUri;
      if (!uri) throw new Error('no worker script');
      const response = await fetch(uri);
      if (!response.ok) throw new Error(`worker script: HTTP ${response.status}`);
      const blobUrl = URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
      const started: Worker[] = [];
      for (let i = 0; i < WORKER_COUNT; i++) {
        const w = new Worker(blobUrl);
        w.onmessage = (event: MessageEvent<WorkerReply & { id: number }>) => {
          const done = this.waiting.get(event.data.id);
          this.waiting.delete(event.data.id);
          done?.(event.data);
        };
        w.onerror = () => {
          this.workerFailed = true;
          for (const done of this.waiting.values()) done({ error: 'worker failed' });
          this.waiting.clear();
        };
        started.push(w);
      }
      this.workers = started;
    } catch (err) {
      this.workerFailed = true;
      console.warn('Lineage: laying out on the UI thread:', err);
    }
    return this.workers;
  }

  private askWorker(w: Worker, input: LayoutInput, place?: ClusterBox[]): Promise<WorkerReply> {
    const id = ++this.workerSeq;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      w.postMessage(place ? { id, input, place } : { id, input });
    });
  }

  async computeLayout(input: LayoutInput): Promise<LayoutOutcome> {
    const signature = layoutSignature(input);
    if (this.lastLayout?.signature === signature) return { result: this.lastLayout.result, inWorker: false, laidOut: 0 };
    const signatures = clusterSignatures(input);
    const missing = new Set([...signatures].filter(([, sig]) => !this.boxCache.has(sig)).map(([c]) => c));
    const fresh = new Map<string, ClusterBox>();
    let inWorker = false;
    let laidOut = 0;
    if (missing.size > 0) {
      const todo = missing.size === signatures.size ? input : clustersOnly(input, missing);
      laidOut = todo.nodes.length;
      let boxes: ClusterBox[] | undefined;
      // The first layout of the page: the page shows nothing else yet, and the workers are cold (their script
      // still loading or compiling: 2x slower than the UI thread, which has the layout code compiled already),
      // so the UI thread lays out a graph it does in a few hundred ms; bigger ones wait for the workers.
      const cold = this.lastLayout === undefined && todo.nodes.length <= COLD_UI_LAYOUT_LIMIT;
      if (todo.nodes.length > WORKER_THRESHOLD && !cold) {
        const ws = await this.startWorkers();
        if (ws) {
          const parts = splitByCluster(todo, ws.length);
          const replies = await Promise.all(parts.map((part, i) => this.askWorker(ws[i]!, part)));
          if (replies.every((r) => r.boxes)) {
            boxes = replies.flatMap((r) => r.boxes!);
            inWorker = true;
          }
        }
      }
      boxes ??= layoutClusterBoxes(todo);
      for (const b of boxes) fresh.set(b.id, b);
    }
    const all = [...signatures].map(([c, sig]) => fresh.get(c) ?? this.boxCache.get(sig)!);
    let result: LayoutResult | undefined;
    // Placed in a worker too: its layout code is already compiled and warm, the UI thread's is not.
    if (inWorker && this.workers) result = (await this.askWorker(this.workers[0]!, input, all)).result;
    result ??= placeClusters(all, input);
    this.boxCache = new Map([...signatures].map(([, sig], i) => [sig, all[i]!]));
    this.lastLayout = { signature, result };
    return { result, inWorker, laidOut };
  }
}
