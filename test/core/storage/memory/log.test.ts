import test from "ava";
import { createSeqLog, type SeqLog } from "../../../../core/src/storage/memory/log.ts";

interface Item {
  seq: number;
  gone: boolean;
}

function filled(n: number): { log: SeqLog<Item>; items: Item[] } {
  const log = createSeqLog<Item>();
  const items = Array.from({ length: n }, (_, i) => ({ seq: (i + 1) * 2, gone: false }));
  for (const it of items) log.append(it);
  return { log, items };
}

const remove = (log: SeqLog<Item>, it: Item): void => {
  it.gone = true;
  log.removed();
};

test("the log lists live items after a sequence number, also one never handed out", (t) => {
  const { log, items } = filled(5);
  remove(log, items[2]!);
  t.deepEqual([...log.after(0)].map((i) => i.seq), [2, 4, 8, 10]);
  t.deepEqual([...log.after(4)].map((i) => i.seq), [8, 10]);
  t.deepEqual([...log.after(5)].map((i) => i.seq), [8, 10]);
  t.deepEqual([...log.after(6)].map((i) => i.seq), [8, 10]);
  t.deepEqual([...log.after(10)], []);
});

test("the log keeps first and last on live items as both ends are removed", (t) => {
  const { log, items } = filled(4);
  remove(log, items[0]!);
  remove(log, items[3]!);
  t.is(log.first()?.seq, 4);
  t.is(log.last()?.seq, 6);
  remove(log, items[1]!);
  remove(log, items[2]!);
  t.is(log.first(), undefined);
  t.is(log.last(), undefined);
  const next = { seq: 100, gone: false };
  log.append(next);
  t.is(log.first(), next);
  t.is(log.last(), next);
});

test("the log stays correct through compactions of many removals", (t) => {
  const { log, items } = filled(5000);
  const kept = items.filter((_, i) => i % 97 === 0 || i === 4999);
  for (const [i, it] of items.entries()) if (!(i % 97 === 0 || i === 4999)) remove(log, it);
  t.deepEqual([...log.after(0)], kept);
  t.deepEqual([...log.after(kept[10]!.seq)], kept.slice(11));
  t.is(log.first(), kept[0]);
  t.is(log.last(), kept.at(-1));
  for (const it of kept.slice(0, -1)) remove(log, it);
  t.deepEqual([...log.after(0)], [kept.at(-1)]);
});
