/**
 * A bounded map whose entries each carry their own deadline: the least recently
 * used entry goes first when it is full, and an entry is never returned at or after
 * its deadline. A Map keeps insertion order, so "recently used" is "re-inserted".
 */
export interface TtlLru<V> {
  /** The value, when present and `now` is before its deadline (and marks it recently used). */
  get(key: string, now: number): V | undefined;
  /** Stores the value until `until` (ms since epoch); ignored when that is not after `now` or capacity is 0. */
  set(key: string, value: V, until: number, now: number): void;
  readonly size: number;
  clear(): void;
}

export function createTtlLru<V>(capacity: number): TtlLru<V> {
  const entries = new Map<string, { readonly value: V; readonly until: number }>();
  return {
    get(key, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.until <= now) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, until, now) {
      if (capacity <= 0 || until <= now) return;
      entries.delete(key);
      while (entries.size >= capacity) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      entries.set(key, { value, until });
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
