// Lays the lineage graph out off the UI thread: one request in, one result out.
import { layoutLineage } from './layout/layeredLayout';
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
  const started = performance.now();
  try {
    const result = layoutLineage(input);
    scope.postMessage({ id, result, ms: performance.now() - started });
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
