/** The in-process wake-up of WatchMessages streams (service/push-signal.ts). */
import test from "ava";
import { createPushSignal } from "../../../core/src/service/push-signal.ts";

const scope = { project: "p", queue: "q" };
const elapsed = async (work: Promise<void>): Promise<number> => {
  const started = performance.now();
  await work;
  return performance.now() - started;
};

test("a post to the watched queue wakes its waiting stream at once", async (t) => {
  const signal = createPushSignal();
  const watch = signal.watch(scope);
  const abort = new AbortController();
  const waiting = watch.wait(10_000, abort.signal);
  signal.posted({ project: "p", queue: "other" });
  signal.posted({ project: "other", queue: "q" });
  setTimeout(() => signal.posted(scope), 20);
  t.true((await elapsed(waiting)) < 1000);
  watch.release();
  t.is(signal.watches, 0);
});

test("a post between reset and wait is not slept through", async (t) => {
  const signal = createPushSignal();
  const watch = signal.watch(scope);
  watch.reset();
  signal.posted(scope);
  t.true((await elapsed(watch.wait(10_000, new AbortController().signal))) < 100);
  watch.reset();
  t.true((await elapsed(watch.wait(30, new AbortController().signal))) >= 25, "after reset the wait sleeps again");
  watch.release();
});

test("abort, release and close each end a wait", async (t) => {
  const signal = createPushSignal();
  const a = signal.watch(scope);
  const b = signal.watch(scope);
  const c = signal.watch({ project: "p", queue: "c" });
  const abort = new AbortController();
  const waits = [a.wait(10_000, abort.signal), b.wait(10_000, new AbortController().signal), c.wait(10_000, new AbortController().signal)];
  abort.abort();
  await waits[0];
  b.release();
  await waits[1];
  t.is(signal.watches, 2);
  signal.close();
  await waits[2];
  t.true(signal.closed);
  t.true((await elapsed(c.wait(10_000, new AbortController().signal))) < 100, "waits after close return at once");
  a.release();
  c.release();
  t.is(signal.watches, 0);
});
