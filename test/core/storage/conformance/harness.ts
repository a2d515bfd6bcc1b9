/**
 * Shared plumbing of the storage behaviour suite: every test gets its own
 * driver on its own manual clock (so moving time in one test never touches
 * another), a random project, and a few helpers that go only through the
 * StorageDriver contract.
 */
import { randomUUID } from "node:crypto";
import test, { type ExecutionContext } from "ava";
import { createManualClock, type ManualClock } from "../../../../core/src/clock.ts";
import { ZaqarError, type Reason } from "../../../../core/src/errors.ts";
import type {
  ClaimOptions,
  ClaimRecord,
  ListMessagesOptions,
  NewMessage,
  Scope,
  StorageDriver,
  StoredMessage,
} from "../../../../core/src/storage/driver.ts";

/** Builds a fresh driver on the given clock; `cleanup` runs after `driver.close()`. */
export type MakeDriver = (clock: ManualClock) => Promise<{ driver: StorageDriver; cleanup?: () => Promise<void> }>;

export interface Env {
  readonly driver: StorageDriver;
  readonly clock: ManualClock;
  /** A random project of this test. */
  readonly project: string;
  /** The producer client id `post` uses by default. */
  readonly clientId: string;
  /** A scope in this test's project; a random queue name unless given. */
  scope(queue?: string): Scope;
  /** Posts messages (ttl 3600, delay 0 and a numbered body unless given) against the queue's current version. */
  post(scope: Scope, messages: number | ReadonlyArray<Partial<NewMessage>>, clientId?: string): Promise<string[]>;
  /** Claims (ttl 300, grace 60, limit 10 unless given); null when nothing was claimable. */
  claim(scope: Scope, options?: Partial<ClaimOptions>): Promise<ClaimRecord | null>;
  /** Like claim, but fails the test when nothing was claimed. */
  mustClaim(scope: Scope, options?: Partial<ClaimOptions>): Promise<ClaimRecord>;
  /** Pages through the listing until an empty page, checking each page respects the limit. */
  listAll(scope: Scope, options?: Partial<ListMessagesOptions>): Promise<StoredMessage[]>;
}

export type Body = (t: ExecutionContext, env: Env) => Promise<void>;
export type Define = (title: string, body: Body) => void;

export const ids = (items: ReadonlyArray<{ readonly id: string }>): string[] => items.map((m) => m.id);

/** Asserts that `promise` rejects with a ZaqarError of exactly this reason and description. */
export async function rejects(t: ExecutionContext, promise: Promise<unknown>, reason: Reason, description: string): Promise<void> {
  const err = await t.throwsAsync<ZaqarError>(promise, { instanceOf: ZaqarError });
  t.is(err?.reason, reason);
  t.is(err?.description, description);
}

export function createDefine(name: string, makeDriver: MakeDriver): Define {
  const withEnv = test.macro<[Body]>({
    async exec(t, body) {
      const clock = createManualClock();
      const { driver, cleanup } = await makeDriver(clock);
      t.teardown(async () => {
        await driver.close();
        await cleanup?.();
      });
      await body(t, createEnv(t, driver, clock));
    },
    title: (provided = "") => `${name}: ${provided}`,
  });
  return (title, body) => {
    test(title, withEnv, body);
  };
}

function createEnv(t: ExecutionContext, driver: StorageDriver, clock: ManualClock): Env {
  const project = `p-${randomUUID()}`;
  const clientId = randomUUID();
  const env: Env = {
    driver,
    clock,
    project,
    clientId,
    scope: (queue) => ({ project, queue: queue ?? `q-${randomUUID().slice(0, 8)}` }),
    async post(scope, messages, producer = clientId) {
      const list = typeof messages === "number" ? Array.from({ length: messages }, () => ({})) : messages;
      const batch = list.map((m, i) => ({ body: JSON.stringify({ n: i }), ttl: 3600, delay: 0, ...m }));
      const { version } = await driver.queues.info(scope);
      return driver.messages.post(scope, batch, { clientId: producer, ifVersion: version });
    },
    claim: (scope, options = {}) => driver.claims.create(scope, { ttl: 300, grace: 60, limit: 10, ...options }),
    async mustClaim(scope, options = {}) {
      const claim = await env.claim(scope, options);
      if (claim === null) throw new Error("expected the claim to take messages, it took none");
      return claim;
    },
    async listAll(scope, options = {}) {
      const opts: ListMessagesOptions = {
        limit: 20,
        echo: true,
        clientId,
        includeClaimed: true,
        includeDelayed: true,
        ...options,
      };
      const all: StoredMessage[] = [];
      let marker = opts.marker;
      for (let pages = 0; pages < 1000; pages++) {
        const page = await driver.messages.list(scope, marker === undefined ? { ...opts } : { ...opts, marker });
        t.true(page.length <= opts.limit, "a page never exceeds its limit");
        if (page.length === 0) return all;
        all.push(...page);
        marker = page[page.length - 1]!.marker;
      }
      throw new Error("listing never reached an empty page");
    },
  };
  return env;
}
