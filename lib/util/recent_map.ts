/**
 * A map of bounded size that forgets the least recently used entry first: what keeps per-source state
 * (rate-limit buckets, followed cameras) from growing without bound under spoofed traffic.
 *
 * @module
 */

/** A size-bounded map with least-recently-used eviction. */
export class RecentMap<K, V> {
  // Map iterates in insertion order and every use re-inserts, so the first key is the stalest.
  readonly #entries = new Map<K, V>();

  /**
   * Keeps its settings; starts nothing.
   * @param capacity the most entries kept
   */
  constructor(readonly capacity: number) {}

  /** How many entries are kept now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry for `key`, without counting as a use. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /**
   * The entry for `key`, made the most recently used; created with `create` when missing, after
   * forgetting the stalest entry if the map is full.
   */
  use(key: K, create: () => V): { value: V; created: boolean } {
    const existing = this.#entries.get(key);
    if (existing !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, existing);
      return { value: existing, created: false };
    }
    if (this.#entries.size >= this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    const value = create();
    this.#entries.set(key, value);
    return { value, created: true };
  }

  /** Forgets `key`; whether it was kept. */
  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Every entry's value, stalest first. */
  values(): IterableIterator<V> {
    return this.#entries.values();
  }
}
