/**
 * The Lua scripts of the redis driver: one per atomic operation, each in
 * lua/<verb-noun>.lua with a header block (KEYS, ARGV, returns, status codes).
 *
 * Files are read once at start-up. A line `-- @include <name>` is replaced by
 * lua/lib/<name>.lua (shared helpers such as housekeeping), then the script is
 * registered with defineCommand under `<name>:<sha1(lua).slice(0, 8)>`, so a
 * changed script never runs under an old name. ioredis sends EVALSHA and falls
 * back to EVAL on NOSCRIPT (e.g. after a Redis restart).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Cluster, Redis, RedisCommander, Result } from "ioredis";

export interface ScriptSpec {
  /** camelCase command name (before the version suffix). */
  readonly name: string;
  /** File under lua/. */
  readonly file: string;
  /** How many leading arguments are KEYS (the highest KEYS[n] in the header). */
  readonly numberOfKeys: number;
}

export const scriptTable = [
  { name: "createQueue", file: "create-queue.lua", numberOfKeys: 1 },
  { name: "setQueueMetadata", file: "set-queue-metadata.lua", numberOfKeys: 1 },
  { name: "deleteQueue", file: "delete-queue.lua", numberOfKeys: 2 },
  { name: "purgeQueue", file: "purge-queue.lua", numberOfKeys: 2 },
  { name: "queueStats", file: "queue-stats.lua", numberOfKeys: 2 },
  { name: "postMessages", file: "post-messages.lua", numberOfKeys: 2 },
  { name: "listMessages", file: "list-messages.lua", numberOfKeys: 2 },
  { name: "getMessages", file: "get-messages.lua", numberOfKeys: 2 },
  { name: "deleteMessage", file: "delete-message.lua", numberOfKeys: 2 },
  { name: "deleteMessages", file: "delete-messages.lua", numberOfKeys: 2 },
  { name: "popMessages", file: "pop-messages.lua", numberOfKeys: 2 },
  { name: "claimMessages", file: "claim-messages.lua", numberOfKeys: 2 },
  { name: "getClaim", file: "get-claim.lua", numberOfKeys: 2 },
  { name: "renewClaim", file: "renew-claim.lua", numberOfKeys: 2 },
  { name: "releaseClaim", file: "release-claim.lua", numberOfKeys: 2 },
  { name: "acceptMessages", file: "accept-messages.lua", numberOfKeys: 2 },
  { name: "finishMove", file: "finish-move.lua", numberOfKeys: 2 },
  { name: "createSubscription", file: "create-subscription.lua", numberOfKeys: 2 },
  { name: "updateSubscription", file: "update-subscription.lua", numberOfKeys: 2 },
  { name: "confirmSubscription", file: "confirm-subscription.lua", numberOfKeys: 2 },
  { name: "deleteSubscription", file: "delete-subscription.lua", numberOfKeys: 2 },
  { name: "purgeSubscriptions", file: "purge-subscriptions.lua", numberOfKeys: 2 },
  { name: "leaseJobs", file: "lease-jobs.lua", numberOfKeys: 2 },
  { name: "ackJobs", file: "ack-jobs.lua", numberOfKeys: 2 },
  { name: "retryJob", file: "retry-job.lua", numberOfKeys: 2 },
  { name: "putPool", file: "put-pool.lua", numberOfKeys: 5 },
  { name: "updatePool", file: "update-pool.lua", numberOfKeys: 5 },
  { name: "deletePool", file: "delete-pool.lua", numberOfKeys: 5 },
  { name: "listPools", file: "list-pools.lua", numberOfKeys: 5 },
  { name: "putFlavor", file: "put-flavor.lua", numberOfKeys: 5 },
  { name: "updateFlavor", file: "update-flavor.lua", numberOfKeys: 5 },
  { name: "deleteFlavor", file: "delete-flavor.lua", numberOfKeys: 5 },
  { name: "getFlavor", file: "get-flavor.lua", numberOfKeys: 5 },
  { name: "listFlavors", file: "list-flavors.lua", numberOfKeys: 5 },
] as const satisfies readonly ScriptSpec[];

export type ScriptName = (typeof scriptTable)[number]["name"];

/** One message as the scripts return it (see reply() in lua/lib/read.lua). */
export type RawMessage = [
  id: string,
  body: string,
  ttl: string,
  createdAt: string,
  expiresAt: string,
  visibleAt: string,
  clientId: string,
  liveClaimId: string,
  claimCount: string,
  marker: string,
];
/** {ttl, updatedAt, expiresAt, messages} (get-claim). */
export type RawClaim = [ttl: number | string, updatedAt: number | string, expiresAt: number | string, messages: RawMessage[]];
/** The reply of claim-messages.lua (see its header). */
export type RawNewClaim = [
  ttl: string,
  updatedAt: string,
  expiresAt: string,
  generation: string,
  ids: string[],
  counts: string[],
  fields: Array<string | null>,
  seqs: Array<string | null>,
  moving: string[],
  movingFields: Array<string | null>,
];
/** The reply of lease-jobs.lua: next due, idle, then 5 entries per leased job (see its header). */
export type RawLease = [nextDue: string, idle: number, jobs: Array<string | null>];
/** {claimed, total, oldestId, oldestCreated, newestId, newestCreated}. */
export type RawStats = [number, number, string, string | number, string, string | number];

/** A script argument; an array is flattened into its elements (for argument lists too long to spread). */
type Arg = string | number | ReadonlyArray<string | number>;

declare module "ioredis" {
  // Replies per script; negative numbers are status codes (status.ts).
  interface RedisCommander<Context> {
    [command: `createQueue:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `setQueueMetadata:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `deleteQueue:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `purgeQueue:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `queueStats:${string}`]: (...args: Arg[]) => Result<RawStats | number, Context>;
    [command: `postMessages:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `listMessages:${string}`]: (...args: Arg[]) => Result<[RawMessage[], string, number], Context>;
    [command: `getMessages:${string}`]: (...args: Arg[]) => Result<RawMessage[] | number, Context>;
    [command: `deleteMessage:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `deleteMessages:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `popMessages:${string}`]: (...args: Arg[]) => Result<RawMessage[] | number, Context>;
    [command: `claimMessages:${string}`]: (...args: Arg[]) => Result<RawNewClaim | [] | number, Context>;
    [command: `getClaim:${string}`]: (...args: Arg[]) => Result<RawClaim | number, Context>;
    [command: `renewClaim:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `releaseClaim:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `acceptMessages:${string}`]: (...args: Arg[]) => Result<[created: number, accepted: number], Context>;
    [command: `finishMove:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `createSubscription:${string}`]: (...args: Arg[]) => Result<[created: number, id: string, queueCreated: number] | number, Context>;
    [command: `updateSubscription:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `confirmSubscription:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `deleteSubscription:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `purgeSubscriptions:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `leaseJobs:${string}`]: (...args: Arg[]) => Result<RawLease, Context>;
    [command: `ackJobs:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `retryJob:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `putPool:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `updatePool:${string}`]: (...args: Arg[]) => Result<string | number, Context>;
    [command: `deletePool:${string}`]: (...args: Arg[]) => Result<number | [number, string], Context>;
    [command: `listPools:${string}`]: (...args: Arg[]) => Result<string[], Context>;
    [command: `putFlavor:${string}`]: (...args: Arg[]) => Result<number | [number, string], Context>;
    [command: `updateFlavor:${string}`]: (...args: Arg[]) => Result<number | [number, string], Context>;
    [command: `deleteFlavor:${string}`]: (...args: Arg[]) => Result<number, Context>;
    [command: `getFlavor:${string}`]: (...args: Arg[]) => Result<string[] | number, Context>;
    [command: `listFlavors:${string}`]: (...args: Arg[]) => Result<Array<string | string[]>, Context>;
  }
}

type ClientCtx = { type: "default"; mapping: "resp2" };
/** The reply of a script, as declared in the augmentation above. */
export type ScriptReply<N extends ScriptName> = Awaited<ReturnType<NonNullable<RedisCommander<ClientCtx>[`${N}:${string}`]>>>;

/** Callers of the scripts: KEYS first, then ARGV, as each script's header lists them. */
export type Scripts = { readonly [N in ScriptName]: (...args: Arg[]) => Promise<ScriptReply<N>> };

/** The versioned command name of a script, to queue it in a MULTI or pipeline. */
export function scriptCommand<N extends ScriptName>(name: N): `${N}:${string}` {
  const s = loadScripts().find((l) => l.name === name);
  if (s === undefined) throw new Error(`redis driver: no script ${name}`);
  return s.command as `${N}:${string}`;
}

export interface LoadedScript extends ScriptSpec {
  /** The script with its includes expanded, as sent to Redis. */
  readonly lua: string;
  /** `<name>:<sha1 prefix>`. */
  readonly command: string;
}

export const luaDir = new URL("./lua/", import.meta.url);
const INCLUDE = /^--\s*@include\s+([a-z0-9-]+)\s*$/gm;

/** Reads one script and expands its includes (one level: fragments do not include). */
export function readScript(file: string): string {
  const source = readFileSync(new URL(file, luaDir), "utf8");
  return source.replace(INCLUDE, (_, name: string) => readFileSync(new URL(`lib/${name}.lua`, luaDir), "utf8"));
}

let loaded: readonly LoadedScript[] | undefined;

/** All scripts, read and versioned once per process. */
export function loadScripts(): readonly LoadedScript[] {
  loaded ??= scriptTable.map((spec) => {
    const lua = readScript(spec.file);
    const sha = createHash("sha1").update(lua).digest("hex");
    return { ...spec, lua, command: `${spec.name}:${sha.slice(0, 8)}` };
  });
  return loaded;
}

/** Defines every script on the client (idempotent) and returns their callers. */
export function defineScripts(client: Redis | Cluster): Scripts {
  const scripts: Record<string, (...args: Arg[]) => Promise<unknown>> = {};
  for (const s of loadScripts()) {
    client.defineCommand(s.command, { lua: s.lua, numberOfKeys: s.numberOfKeys });
    // defineCommand adds the method at run time; its type is the augmentation's.
    const method = (client as unknown as Record<string, (...args: Arg[]) => Promise<unknown>>)[s.command];
    if (method === undefined) throw new Error(`redis driver: script ${s.command} was not defined`);
    scripts[s.name] = (...args) => method.apply(client, args);
  }
  return scripts as Scripts;
}
