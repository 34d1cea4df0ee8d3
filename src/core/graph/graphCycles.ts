/**
 * Strongly connected components with more than one member, or one member
 * reaching itself: the dependency cycles. Iterative Tarjan, so a long chain
 * cannot overflow the stack.
 */
export function findCycles(allIds: readonly string[], downstream: ReadonlyMap<string, readonly string[]>): string[][] {
  const ids = notTopologicallySorted(allIds, downstream);
  if (ids.length === 0) return [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  for (const start of ids) {
    if (index.has(start)) continue;
    // Each frame: node and the position in its successor list.
    const frames: [string, number][] = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [v, i] = frame;
      const next = downstream.get(v) ?? [];
      if (i < next.length) {
        frame[1] = i + 1;
        const w = next[i]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          frames.push([w, 0]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || next.includes(v)) cycles.push(component.sort());
      }
    }
  }
  return cycles;
}

/**
 * The nodes Kahn's algorithm cannot order: the cycles and what hangs below
 * them. Almost always none, so Tarjan's pass usually has nothing to do.
 */
function notTopologicallySorted(ids: readonly string[], downstream: ReadonlyMap<string, readonly string[]>): string[] {
  // By index rather than by key: one Map lookup per edge instead of three. Every edge's ends are in `ids`.
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) index.set(ids[i]!, i);
  const next = ids.map((id) => (downstream.get(id) ?? []).map((w) => index.get(w)!));
  const indegree = new Int32Array(ids.length);
  for (const list of next) for (const w of list) indegree[w]!++;
  const queue: number[] = [];
  for (let i = 0; i < ids.length; i++) if (indegree[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) {
    for (const w of next[queue[q]!]!) if (--indegree[w]! === 0) queue.push(w);
  }
  if (queue.length === ids.length) return [];
  const left: string[] = [];
  for (let i = 0; i < ids.length; i++) if (indegree[i]! > 0) left.push(ids[i]!);
  return left;
}
