// Lays clusters of the lineage graph out off the UI thread: one request in, one reply out.
import { layoutClusterBoxes } from './layout/layeredLayout';
import type { LayoutInput } from './layout/layeredLayout';

interface LayoutRequest {
  readonly id: number;
  readonly input: LayoutInput;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const { id, input } = event.data;
  try {
    scope.postMessage({ id, boxes: layoutClusterBoxes(input) });
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
  layoutClusterBoxes({ nodes, edges, fast: true });
}
warmUp();
