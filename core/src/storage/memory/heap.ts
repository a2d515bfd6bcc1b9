/**
 * A binary min-heap of timestamped items, used to find due expiries without
 * scanning a queue. Entries are never updated in place: when an item's due
 * time changes the caller pushes a new entry and skips the stale one when it
 * surfaces (see `popDue`), and rebuilds the heap once stale entries dominate.
 */
export interface Due<T> {
  readonly at: number;
  readonly item: T;
}

export interface MinHeap<T> {
  readonly size: number;
  push(at: number, item: T): void;
  /** The earliest entry, or undefined when empty. */
  peek(): Due<T> | undefined;
  pop(): Due<T> | undefined;
  /** Replaces the whole content (used to drop stale entries). */
  rebuild(entries: Iterable<Due<T>>): void;
}

export function createMinHeap<T>(): MinHeap<T> {
  let a: Due<T>[] = [];

  const swap = (i: number, j: number): void => {
    const x = a[i]!;
    a[i] = a[j]!;
    a[j] = x;
  };
  const up = (i: number): void => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.at <= a[i]!.at) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && a[l]!.at < a[m]!.at) m = l;
      if (r < a.length && a[r]!.at < a[m]!.at) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };

  return {
    get size() {
      return a.length;
    },
    push(at, item) {
      a.push({ at, item });
      up(a.length - 1);
    },
    peek: () => a[0],
    pop() {
      const top = a[0];
      const last = a.pop();
      if (a.length > 0 && last !== undefined) {
        a[0] = last;
        down(0);
      }
      return top;
    },
    rebuild(entries) {
      a = [...entries];
      for (let i = (a.length >> 1) - 1; i >= 0; i--) down(i);
    },
  };
}
