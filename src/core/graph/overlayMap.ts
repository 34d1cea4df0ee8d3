/**
 * A read-only map that is another map with some values replaced, in the other's key order.
 * A patched graph shares the previous graph's 14k-entry maps through one of these instead of
 * copying them: a copy cost 1–3 ms of every save (the README's benchmark budgets).
 */
export class OverlayMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly changed: ReadonlyMap<K, V>,
  ) {}

  /**
   * `base` with the values of `changes`. Keys that `base` lacks would change the key order, so
   * then (and when the changes pile up past an eighth of the map) the result is a plain copy.
   * An overlay of an overlay is flattened: lookups never walk a chain of saves.
   */
  static of<K, V>(base: ReadonlyMap<K, V>, changes: ReadonlyMap<K, V>): ReadonlyMap<K, V> {
    if (changes.size === 0) return base;
    let root = base;
    let changed = changes;
    if (base instanceof OverlayMap) {
      root = base.base as ReadonlyMap<K, V>;
      const merged = new Map(base.changed as ReadonlyMap<K, V>);
      for (const [k, v] of changes) merged.set(k, v);
      changed = merged;
    }
    let fits = changed.size <= Math.max(8, root.size >> 3);
    if (fits) for (const k of changes.keys()) if (!root.has(k)) fits = false;
    if (fits) return new OverlayMap(root, changed);
    const copy = new Map(root);
    for (const [k, v] of changed) copy.set(k, v);
    return copy;
  }

  get size(): number {
    return this.base.size;
  }

  has(key: K): boolean {
    return this.base.has(key);
  }

  get(key: K): V | undefined {
    return this.changed.has(key) ? this.changed.get(key) : this.base.get(key);
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }

  *entries(): MapIterator<[K, V]> {
    const changed = this.changed;
    for (const [k, v] of this.base) yield [k, changed.has(k) ? (changed.get(k) as V) : v];
  }

  keys(): MapIterator<K> {
    return this.base.keys();
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
}
