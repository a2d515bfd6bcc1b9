/**
 * FlavorService handlers (rest-admin-pools-flavors-health.md §4). Flavors
 * are the caller's project's; listing and reading are open to all, changes
 * need the admin role (checked first, as Zaqar's acl.enforce).
 */
import { create } from "@bufbuild/protobuf";
import {
  CreateFlavorResponseSchema,
  DeleteFlavorResponseSchema,
  FlavorSchema,
  GetFlavorResponseSchema,
  ListFlavorsResponseSchema,
  UpdateFlavorResponseSchema,
  type Flavor,
} from "../../../proto/gen/zaqar/v1/flavor_pb.js";
import type { CallContext } from "../context.ts";
import { ZaqarError, isZaqarError } from "../errors.ts";
import type { Capability, ProjectScope, StoredFlavor } from "../storage/driver.ts";
import { requireAdmin } from "./admin-policy.ts";
import { readFlavorCreate, readFlavorPatch, type PoolList } from "./catalog-docs.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";
import { pyStr } from "./py-value.ts";
import { pageSize, queuesLimitText } from "./validate.ts";

type FlavorHandlers = Pick<Handlers, "createFlavor" | "listFlavors" | "getFlavor" | "updateFlavor" | "deleteFlavor">;

const DEFAULT_PAGE = 10;

/** Zaqar's Capabilities enum names, in its order. */
const CAPABILITY_NAMES: ReadonlyArray<readonly [Capability, string]> = [
  ["fifo", "FIFO"],
  ["claims", "CLAIMS"],
  ["durable", "DURABILITY"],
  ["aod", "AOD"],
  ["high_throughput", "HIGH_THROUGHPUT"],
];

export const capabilityNames = (caps: readonly Capability[]): string[] =>
  CAPABILITY_NAMES.filter(([c]) => caps.includes(c)).map(([, name]) => name);

/** A flavor offers what its first pool offers (Zaqar: capabilities of the first pool of the flavor). */
function toProtoFlavor(f: StoredFlavor, withCapabilities: boolean): Flavor {
  return create(FlavorSchema, {
    name: f.name,
    poolList: f.pools.map((p) => p.name),
    capabilities: withCapabilities ? capabilityNames(f.pools[0]?.capabilities ?? []) : [],
  });
}

const scopeOf = (ctx: CallContext): ProjectScope => ({ project: ctx.project });

const emptyList = (): ZaqarError => new ZaqarError("FLAVOR_POOL_LIST_EMPTY", "Bad Request");

export function createFlavorHandlers(deps: ServiceDeps): FlavorHandlers {
  const { driver, limits } = deps;
  const maxPerPage = limits.maxFlavorsPerPage;

  /**
   * Zaqar looks each listed pool up in turn; a name that is not a string is
   * no pool. Answers the text of the first miss ("Pool <p> does not exist",
   * p as Python's str() prints it) among elements up to the first
   * non-string one, or null when they are all strings (the store checks
   * those itself, atomically with the change).
   */
  async function nonStringMiss(list: PoolList): Promise<string | null> {
    const first = list.findIndex((p) => typeof p !== "string");
    if (first < 0) return null;
    for (const name of list.slice(0, first) as string[]) {
      const found = await driver.catalog.getPool(name).then(
        () => true,
        (err: unknown) => (isZaqarError(err, "POOL_NOT_FOUND") ? false : Promise.reject(err)),
      );
      if (!found) return `Pool ${name} does not exist`;
    }
    return `Pool ${pyStr(list[first] ?? null)} does not exist`;
  }

  /** Runs `work`, answering a missing pool with `reason` and `prefix` + the store's text. */
  async function naming(work: () => Promise<void>, reason: "FLAVOR_NOT_CREATED" | "FLAVOR_NOT_UPDATED", prefix: string): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (isZaqarError(err, "POOL_NOT_FOUND")) throw new ZaqarError(reason, `${prefix}${err.description}`, { cause: err });
      throw err;
    }
  }

  return {
    async createFlavor(ctx, req) {
      requireAdmin(ctx);
      const list = readFlavorCreate(req.body);
      if (list.length === 0) throw emptyList();
      const prefix = `Flavor ${req.name} could not be created, error:`;
      const miss = await nonStringMiss(list);
      if (miss !== null) throw new ZaqarError("FLAVOR_NOT_CREATED", prefix + miss);
      await naming(() => driver.catalog.putFlavor(scopeOf(ctx), req.name, list as string[]), "FLAVOR_NOT_CREATED", prefix);
      return create(CreateFlavorResponseSchema, {});
    },

    async listFlavors(ctx, req) {
      const limit = pageSize(req.limit, DEFAULT_PAGE, maxPerPage, queuesLimitText(maxPerPage));
      const page = await driver.catalog.listFlavors(scopeOf(ctx), { ...(req.marker ? { marker: req.marker } : {}), limit });
      return create(ListFlavorsResponseSchema, { flavors: page.map((f) => toProtoFlavor(f, req.detailed)) });
    },

    async getFlavor(ctx, req) {
      const flavor = await driver.catalog.getFlavor(scopeOf(ctx), req.name);
      return create(GetFlavorResponseSchema, { flavor: toProtoFlavor(flavor, true) });
    },

    async updateFlavor(ctx, req) {
      requireAdmin(ctx);
      const list = readFlavorPatch(req.body);
      if (list.length === 0) throw emptyList();
      const scope = scopeOf(ctx);
      const prefix = `Flavor ${req.name} cant be updated, error:`;
      if (list.some((p) => typeof p !== "string")) {
        await driver.catalog.getFlavor(scope, req.name); // an unknown flavor is answered first
        throw new ZaqarError("FLAVOR_NOT_UPDATED", prefix + ((await nonStringMiss(list)) as string));
      }
      const names = list as string[];
      await naming(() => driver.catalog.updateFlavor(scope, req.name, names), "FLAVOR_NOT_UPDATED", prefix);
      // Zaqar answers the list as given, with the capabilities of its first pool.
      const first = await driver.catalog.getPool(names[0] as string);
      return create(UpdateFlavorResponseSchema, {
        flavor: create(FlavorSchema, { name: req.name, poolList: names, capabilities: capabilityNames(first.capabilities) }),
      });
    },

    async deleteFlavor(ctx, req) {
      requireAdmin(ctx);
      await driver.catalog.deleteFlavor(scopeOf(ctx), req.name);
      return create(DeleteFlavorResponseSchema, {});
    },
  };
}
