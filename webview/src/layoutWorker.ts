// Lays clusters of the lineage graph out off the UI thread: one request in, one reply out.
import { layoutClusterBoxes, placeClusters } from './layout/layeredLayout';
import type { ClusterBox, LayoutInput } from './layout/layeredLayout';

interface LayoutRequest {
  readonly id: number;
  readonly input: LayoutInput;
  /** Set: place these laid-out clusters (the second step) instead of laying out the clusters of `input`. */
  readonly place?: readonly ClusterBox[];
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const { id, input, place } = event.data;
  try {
    scope.postMessage(place ? { id, result: placeClusters(place, input) } : { id, boxes: layoutClusterBoxes(input) });
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};

/**
 * Runs the layout once on a small made-up graph as soon as the worker starts
 * (while the extension is still building the snapshot), so the first real
 * layout does not also pay for compiling the layout code.
 */
function warmUp(): void {
  const nodes = Array.from({ length: 30 }, (_, i) => ({ id: `n${i}`, width: 200, height: 44, cluster: `c${i % 2}` }));
  const edges = nodes.slice(2).map((n, i) => ({ from: nodes[i]!.id, to: n.id }));
  const input = { nodes, edges, fast: true };
  placeClusters(layoutClusterBoxes(input), input);
}
warmUp();
