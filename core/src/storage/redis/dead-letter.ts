/**
 * Dead-letter moves across queues (semantics: DeadLetterOptions in driver.ts).
 *
 * The source and the dead-letter queue live under different hash tags, so in
 * Redis Cluster no one script can touch both. A move therefore takes three
 * scripts, each atomic on its own queue:
 * 1. claim-messages.lua (source) takes the messages into a transfer claim,
 *    out of every consumer's reach, and returns their bodies and infos;
 * 2. accept-messages.lua (dead-letter queue) appends them, once per message
 *    (a marker remembers each move until its source copy is gone for good);
 * 3. finish-move.lua (source) drops them and the transfer claim.
 * If the core dies after step 1 the transfer claim runs out after
 * TRANSFER_LEASE_S, the next claim selects the messages again (their claim
 * counts are unchanged, still over the limit) and the move is finished then,
 * step 2 skipping what it already accepted.
 */
import { isZaqarError } from "../../errors.ts";
import type { DeadLetterOptions, Scope } from "../driver.ts";
import type { RedisContext } from "./context.ts";
import { newToken, projectIndexKey, queueKeys } from "./keys.ts";
import { unpackInfo } from "./records.ts";

/** How long a move may take before a later claim takes it over (s). */
export const TRANSFER_LEASE_S = 30;
/** Markers outlive the source copy's expiry by the lease and this much (ms). */
const MARKER_MARGIN_MS = 60_000;

/**
 * Finishes a move started by a claim (steps 2 and 3). Storage outages are
 * logged, not thrown: the claim that started the move has already happened,
 * and the move is finished by a later claim.
 */
export async function finishDeadLetterMove(
  ctx: RedisContext,
  scope: Scope,
  options: DeadLetterOptions,
  transferId: string,
  ids: readonly string[],
  fields: ReadonlyArray<string | null>,
): Promise<void> {
  try {
    await acceptMoved(ctx, scope, options, ids, fields);
    await dropMoved(ctx, scope, transferId, ids);
  } catch (err) {
    if (!isZaqarError(err, "STORAGE_UNAVAILABLE")) throw err;
    ctx.log?.warn({ err, queue: scope.queue, deadLetterQueue: options.queue, messages: ids.length }, "dead-letter move interrupted; a later claim finishes it");
  }
}

/** Step 2: the dead-letter queue takes the messages (`fields`: body and info of each id in turn, as claim-messages.lua returns them). */
export async function acceptMoved(
  ctx: RedisContext,
  scope: Scope,
  options: DeadLetterOptions,
  ids: readonly string[],
  fields: ReadonlyArray<string | null>,
): Promise<void> {
  const { client, clock, scripts, run } = ctx;
  const now = clock.now();
  const args: Array<string | number> = [];
  let n = 0;
  ids.forEach((id, i) => {
    const body = fields[2 * i];
    const info = fields[2 * i + 1];
    const parsed = info == null ? null : unpackInfo(info);
    // Cannot happen while the transfer claim holds the message; nothing to move then.
    if (parsed === null || body == null) return;
    const ttl = options.ttl ?? parsed.ttl;
    const expires = options.ttl === null ? parsed.expiresAtMs : now + options.ttl * 1000;
    // After the source copy's expiry plus a lease no later claim can bring it back.
    const markerUntil = Math.max(parsed.expiresAtMs, now) + TRANSFER_LEASE_S * 1000 + MARKER_MARGIN_MS;
    args.push(id, body, `${ttl}|${parsed.createdAtMs}|${expires}|${now}|${parsed.clientId}`, expires, markerUntil);
    n++;
  });
  if (n === 0) return;
  const target: Scope = { project: scope.project, queue: options.queue };
  const to = queueKeys(target);
  const index = projectIndexKey(scope.project);
  // Indexed first, as a post that may create a queue does (messages.ts).
  await run(() => client.zadd(index, 0, target.queue));
  const [created] = await run(() =>
    scripts.acceptMessages(to.record, to.base, now, ctx.budget, newToken(), newToken(), scope.queue, n, args),
  );
  if (created === 1) await run(() => client.zadd(index, 0, target.queue));
}

/** Step 3: the source drops the messages its transfer claim still holds, and the transfer claim. */
export async function dropMoved(ctx: RedisContext, scope: Scope, transferId: string, ids: readonly string[]): Promise<void> {
  const from = queueKeys(scope);
  await ctx.run(() => ctx.scripts.finishMove(from.record, from.base, ctx.clock.now(), transferId, ids as string[]));
}
