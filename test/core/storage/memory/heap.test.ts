import test from "ava";
import { createMinHeap } from "../../../../core/src/storage/memory/heap.ts";

test("the heap pops entries earliest first", (t) => {
  const heap = createMinHeap<string>();
  const times = [50, 10, 40, 10, 30, 20, 60, 0, 35];
  times.forEach((at, i) => heap.push(at, `i${i}`));
  const popped: number[] = [];
  for (let e = heap.pop(); e !== undefined; e = heap.pop()) popped.push(e.at);
  t.deepEqual(popped, [...times].sort((a, b) => a - b));
  t.is(heap.size, 0);
  t.is(heap.peek(), undefined);
});

test("a rebuilt heap holds exactly the given entries in heap order", (t) => {
  const heap = createMinHeap<number>();
  for (let i = 0; i < 100; i++) heap.push(i, i);
  heap.rebuild([7, 3, 9, 1].map((at) => ({ at, item: at })));
  t.is(heap.size, 4);
  const items: number[] = [];
  for (let e = heap.pop(); e !== undefined; e = heap.pop()) items.push(e.item);
  t.deepEqual(items, [1, 3, 7, 9]);
});
