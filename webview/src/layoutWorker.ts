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
