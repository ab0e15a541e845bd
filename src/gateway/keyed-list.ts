/**
 * A map from a key to a value that carries its own key, kept as one array sorted by key: 8
 * bytes a value, where a `Map` costs ~36 (its hash table, with the key and a chain per entry).
 * Every session keeps a room's members twice (irc/channels.ts and rooms.ts), so with 100 people
 * in a room the tables were most of the room's memory (ADR 0010 "Burst and memory").
 *
 * Lookups are binary searches (O(log n)); adding and removing move the later values (O(n), a
 * memory move: the lists are bounded, MAX_MEMBERS and MAX_PARTICIPANTS). Values come out in key
 * order (code units), not in the order they were added.
 */
export class KeyedList<V> {
  #values: V[] = [];

  constructor(
    /** The key of a value (fixed for the value's life: a changed value is put again). */
    private readonly keyOf: (value: V) => string,
  ) {}

  /** How many values. */
  get size(): number {
    return this.#values.length;
  }

  /** The value with `key`. */
  get(key: string): V | undefined {
    const at = this.#find(key);
    return at >= 0 ? this.#values[at] : undefined;
  }

  has(key: string): boolean {
    return this.#find(key) >= 0;
  }

  /** Adds `value`, or replaces the value with its key. */
  put(value: V): void {
    const at = this.#find(this.keyOf(value));
    if (at >= 0) this.#values[at] = value;
    else this.#values.splice(-at - 1, 0, value);
  }

  /** Removes the value with `key`; whether there was one. */
  delete(key: string): boolean {
    const at = this.#find(key);
    if (at < 0) return false;
    this.#values.splice(at, 1);
    return true;
  }

  clear(): void {
    this.#values = [];
  }

  /** The values in key order (a copy: changing the list while going through them is safe). */
  values(): V[] {
    return this.#values.slice();
  }

  /** Where `key` is (≥ 0), or −(where it would go) − 1. */
  #find(key: string): number {
    let low = 0;
    let high = this.#values.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const k = this.keyOf(this.#values[mid] as V);
      if (k < key) low = mid + 1;
      else if (k > key) high = mid - 1;
      else return mid;
    }
    return -low - 1;
  }
}
