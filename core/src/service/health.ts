/**
 * HealthService handlers. GetHealth runs Zaqar's smoke test through the same
 * storage driver, in a scratch project, and times each step.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { GetHealthResponseSchema, OperationStatusSchema, PingResponseSchema, type OperationStatus } from "../../../proto/gen/zaqar/v1/health_pb.js";
import type { Scope } from "../storage/driver.ts";
import { requireAdmin } from "./admin-policy.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";

type HealthHandlers = Pick<Handlers, "ping" | "getHealth">;

const SMOKE_MESSAGES = 100;

export function createHealthHandlers(deps: ServiceDeps): HealthHandlers {
  const { driver, log } = deps;

  async function smokeTest(): Promise<OperationStatus[]> {
    const scope: Scope = { project: `zaqar-health-${randomUUID()}`, queue: `health-${randomUUID().slice(0, 8)}` };
    const steps: OperationStatus[] = [];
    const step = async (name: string, work: () => Promise<unknown>): Promise<boolean> => {
      const started = performance.now();
      let ref = "";
      try {
        await work();
      } catch (err) {
        ref = randomUUID();
        log.error({ err, ref, step: name }, "health smoke test step failed");
      }
      steps.push(create(OperationStatusSchema, { name, succeeded: ref === "", seconds: (performance.now() - started) / 1000, ref }));
      return ref === "";
    };

    if (!(await step("create_queue", () => driver.queues.create(scope, {})))) return steps;
    const info = await driver.queues.info(scope).catch(() => ({ version: "" }));
    await step("post_messages", () =>
      driver.messages.post(
        scope,
        Array.from({ length: SMOKE_MESSAGES }, (_, i) => ({ body: JSON.stringify({ event: `p_${i}` }), ttl: 600, delay: 0 })),
        { clientId: randomUUID(), ifVersion: info.version },
      ),
    );
    let claim: Awaited<ReturnType<typeof driver.claims.create>> = null;
    await step("claim_messages", async () => {
      claim = await driver.claims.create(scope, { ttl: 60, grace: 300, limit: 10 });
    });
    await step("list_messages", () =>
      driver.messages.list(scope, { limit: 10, echo: true, clientId: "", includeClaimed: false, includeDelayed: true }),
    );
    await step("delete_messages", async () => {
      const held = claim as { id: string; messages: readonly { id: string }[] } | null;
      for (const m of held?.messages ?? []) await driver.messages.delete(scope, m.id, held?.id ?? null);
    });
    await step("delete_claim", async () => {
      const held = claim as { id: string } | null;
      if (held) await driver.claims.delete(scope, held.id);
    });
    await step("bulk_delete_messages", async () => {
      const rest = await driver.messages.list(scope, { limit: 20, echo: true, clientId: "", includeClaimed: true, includeDelayed: true });
      await driver.messages.deleteMany(scope, rest.map((m) => m.id));
    });
    await step("delete_queue", () => driver.queues.delete(scope));
    return steps;
  }

  return {
    async ping() {
      return create(PingResponseSchema, { storageReachable: await driver.ping() });
    },

    async getHealth(ctx) {
      requireAdmin(ctx);
      const storageReachable = await driver.ping();
      const operations = storageReachable ? await smokeTest() : [];
      return create(GetHealthResponseSchema, { storageReachable, operations });
    },
  };
}
