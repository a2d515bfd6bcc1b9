/**
 * The enqueue-order index of one queue: items sorted by a strictly increasing
 * sequence number. Removal only flags an item (`gone`); flagged items are
 * trimmed from both ends at once and the array is compacted when they pile up,
 * so paging after a marker is a binary search rather than a scan from the start.
 */
export interface Sequenced {
  readonly seq: number;
  readonly gone: boolean;
}

export interface SeqLog<T extends Sequenced> {
  /** Appends an item whose seq is larger than every seq appended before. */
  append(item: T): void;
  /** Tells the log that one of its items was just flagged gone. */
  removed(): void;
  /** Oldest live item. */
  first(): T | undefined;
  /** Newest live item. */
  last(): T | undefined;
  /** Forgets every item. */
  clear(): void;
  /** Live items with a seq greater than `seq`, oldest first. Do not mutate the log while iterating. */
  after(seq: number): Generator<T, void, undefined>;
}

export function createSeqLog<T extends Sequenced>(): SeqLog<T> {
  let items: T[] = [];
  let head = 0;
  let goneCount = 0;

  const trim = (): void => {
    while (head < items.length && items[head]!.gone) {
      head++;
      goneCount--;
    }
    while (items.length > head && items[items.length - 1]!.gone) {
      items.pop();
      goneCount--;
    }
    const live = items.length - head - goneCount;
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
    if (goneCount > 64 && goneCount > live) {
      items = items.slice(head).filter((it) => !it.gone);
      head = 0;
      goneCount = 0;
    }
  };

  /** Index of the first item (from head) whose seq is greater than `seq`. */
  const upperBound = (seq: number): number => {
    let lo = head;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (items[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    append(item) {
      items.push(item);
    },
    removed() {
      goneCount++;
      trim();
    },
    clear() {
      items = [];
      head = 0;
      goneCount = 0;
    },
    first: () => (head < items.length ? items[head] : undefined),
    last: () => (items.length > head ? items[items.length - 1] : undefined),
    *after(seq) {
      for (let i = upperBound(seq); i < items.length; i++) {
        const it = items[i]!;
        if (!it.gone) yield it;
      }
    },
  };
}
