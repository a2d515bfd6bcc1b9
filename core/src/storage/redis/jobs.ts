/**
 * JobStore over the Lua scripts (semantics: driver.ts; layout and the
 * subscribed index: keys.ts). A lease visits the queues whose hint is due,
 * one lease-jobs.lua call each, until it has `max` jobs or nothing is due;
 * the driver-wide job id is the queue's key base followed by its job id.
 */
import { randomUUID } from "node:crypto";
import type { JobKind, JobStore, LeasedJob, Scope } from "../driver.ts";
import type { RedisContext } from "./context.ts";
import { keysOfBase, scopeOfBase, splitJobId } from "./keys.ts";
import { unpackInfo } from "./records.ts";
import type { RawLease } from "./scripts.ts";
import type { SubscribedIndex } from "./subscribed-index.ts";
import { unpackSubscription } from "./subscription-records.ts";

/** Queues fetched from the index per round, and visited per lease at most. */
const VISIT_BATCH = 16;
const MAX_VISITS = 64;
/** Jobs one script call leases at most (bounds its argument lists). */
const MAX_PER_CALL = 1000;
/** Jobs acknowledged per script call. */
const ACK_CHUNK = 500;

const KINDS: Readonly<Record<string, JobKind>> = { n: "notification", c: "subscription-confirmation", u: "unsubscribe-confirmation" };

/** The leased jobs of one lease-jobs.lua reply (5 entries per job). */
function toLeased(base: string, scope: Scope, leaseId: string, flat: ReadonlyArray<string | null>): LeasedJob[] {
  const out: LeasedJob[] = [];
  for (let i = 0; i + 4 < flat.length; i += 5) {
    const [local, attempts, rec, a, b] = flat.slice(i, i + 5);
    const [kindCode, subId] = (local ?? "").split(":");
    const kind = KINDS[kindCode ?? ""];
    const subscription = rec == null || subId === undefined ? null : unpackSubscription(subId, rec);
    if (local == null || kind === undefined || subscription === null) continue;
    const job = { id: `${base}${local}`, leaseId, scope, kind, attempts: Number(attempts), subscription };
    if (kind === "notification") {
      const info = b == null ? null : unpackInfo(b);
      // The copy goes only with the last job using it; a missing one cannot be delivered.
      if (info === null || a == null) continue;
      out.push({ ...job, message: { body: a, ttl: info.ttl, delay: Math.round((info.visibleAtMs - info.createdAtMs) / 1000) } });
    } else {
      out.push(a == null ? job : { ...job, document: a });
    }
  }
  return out;
}

export function createJobStore(ctx: RedisContext, index: SubscribedIndex): JobStore {
  const { clock, scripts, run } = ctx;

  const leaseQueue = (base: string, now: number, max: number, leaseUntil: number, leaseId: string): Promise<RawLease> => {
    const k = keysOfBase(base);
    return run(() => scripts.leaseJobs(k.record, k.base, now, max, leaseUntil, leaseId, ctx.budget));
  };

  /** Leases from one queue and updates its hint (or removes it when idle). */
  async function visit(base: string, max: number, leaseMs: number, leaseId: string): Promise<LeasedJob[]> {
    const scope = scopeOfBase(base);
    if (scope === null) {
      // Not a queue's base: nothing this driver wrote; drop it.
      await run(() => ctx.client.zrem(ctx.subscribedIndex, base));
      return [];
    }
    const now = clock.now();
    const [nextDue, idle, flat] = await leaseQueue(base, now, Math.min(max, MAX_PER_CALL), now + leaseMs, leaseId);
    if (idle === 1) {
      await index.removeIdle(base, async () => {
        const [due, stillIdle] = await leaseQueue(base, clock.now(), 0, 0, "");
        return { idle: stillIdle === 1, nextDueMs: Number(due) };
      });
      return [];
    }
    await index.visited(base, now, Number(nextDue));
    return toLeased(base, scope, leaseId, flat);
  }

  return {
    async lease({ max, leaseMs }) {
      const out: LeasedJob[] = [];
      const leaseId = randomUUID();
      let visits = 0;
      while (out.length < max && visits < MAX_VISITS) {
        const bases = await index.due(clock.now(), VISIT_BATCH);
        if (bases.length === 0) break;
        for (const base of bases) {
          if (out.length >= max || visits >= MAX_VISITS) break;
          visits++;
          out.push(...(await visit(base, max - out.length, leaseMs, leaseId)));
        }
      }
      return out;
    },

    async ack(jobs) {
      const byQueue = new Map<string, string[]>();
      for (const { id, leaseId } of jobs) {
        const ref = splitJobId(id);
        if (ref === null || leaseId === "") continue;
        const args = byQueue.get(ref.base) ?? [];
        args.push(ref.local, leaseId);
        byQueue.set(ref.base, args);
      }
      await Promise.all(
        [...byQueue].map(async ([base, args]) => {
          const k = keysOfBase(base);
          for (let i = 0; i < args.length; i += 2 * ACK_CHUNK) {
            const chunk = args.slice(i, i + 2 * ACK_CHUNK);
            await run(() => scripts.ackJobs(k.record, k.base, chunk.length / 2, chunk));
          }
        }),
      );
    },

    async retry({ id, leaseId }, { delayMs, attempts }) {
      const ref = splitJobId(id);
      if (ref === null || leaseId === "") return;
      const k = keysOfBase(ref.base);
      const due = clock.now() + delayMs;
      const done = await run(() => scripts.retryJob(k.record, k.base, ref.local, leaseId, attempts, due));
      if (done === 1) await index.lower(ref.base, due);
    },
  };
}
