/**
 * GET / (versions document) and GET /v2/ (JSON-Home document), rest-queues.md
 * §1–2. Both are static; they list every relation Zaqar 15 lists (clients read
 * them), including the ones this service does not route yet.
 */
import { pyJson } from "../../render.ts";
import type { Handler, Route } from "../../route.ts";

const JSON_TYPE = { "application/json": {} };

interface Rel {
  readonly template: string;
  readonly vars?: Record<string, string>;
  readonly allow: readonly string[];
  readonly acceptPost?: boolean;
  /** Plain "href" instead of "href-template" (Zaqar's rel/health). */
  readonly plain?: boolean;
}

const Q = { queue_name: "param/queue_name" };

const publicRels: ReadonlyArray<readonly [string, Rel]> = [
  ["rel/queues", { template: "/v2/queues{?marker,limit,detailed}", vars: { marker: "param/marker", limit: "param/queue_limit", detailed: "param/detailed" }, allow: ["GET"] }],
  ["rel/queue", { template: "/v2/queues/{queue_name}", vars: Q, allow: ["GET", "PUT", "DELETE", "PATCH"] }],
  ["rel/queue_stats", { template: "/v2/queues/{queue_name}/stats", vars: Q, allow: ["GET"] }],
  ["rel/queue_share", { template: "/v2/queues/{queue_name}/share", vars: Q, allow: ["POST"], acceptPost: true }],
  ["rel/queue_purge", { template: "/v2/queues/{queue_name}/purge", vars: Q, allow: ["POST"], acceptPost: true }],
  ["rel/messages", { template: "/v2/queues/{queue_name}/messages{?marker,limit,echo,include_claimed}", vars: { ...Q, marker: "param/marker", limit: "param/messages_limit", echo: "param/echo", include_claimed: "param/include_claimed" }, allow: ["GET"] }],
  ["rel/post_messages", { template: "/v2/queues/{queue_name}/messages", vars: Q, allow: ["POST"], acceptPost: true }],
  ["rel/messages_delete", { template: "/v2/queues/{queue_name}/messages{?ids,pop}", vars: { ...Q, ids: "param/ids", pop: "param/pop" }, allow: ["DELETE"] }],
  ["rel/message_delete", { template: "/v2/queues/{queue_name}/messages/{message_id}{?claim}", vars: { ...Q, message_id: "param/message_id", claim: "param/claim_id" }, allow: ["DELETE"] }],
  ["rel/message_get", { template: "/v2/queues/{queue_name}/messages/{message_id}", vars: { ...Q, message_id: "param/message_id" }, allow: ["GET"] }],
  ["rel/claim", { template: "/v2/queues/{queue_name}/claims/{claim_id}", vars: { ...Q, claim_id: "param/claim_id" }, allow: ["GET"] }],
  ["rel/post_claim", { template: "/v2/queues/{queue_name}/claims{?limit}", vars: { ...Q, limit: "param/claim_limit" }, allow: ["POST"], acceptPost: true }],
  ["rel/patch_claim", { template: "/v2/queues/{queue_name}/claims/{claim_id}", vars: { ...Q, claim_id: "param/claim_id" }, allow: ["PATCH"], acceptPost: true }],
  ["rel/delete_claim", { template: "/v2/queues/{queue_name}/claims/{claim_id}", vars: { ...Q, claim_id: "param/claim_id" }, allow: ["DELETE"] }],
  ["rel/subscriptions_get", { template: "/v2/queues/{queue_name}/subscriptions{?marker,limit}", vars: { ...Q, marker: "param/marker", limit: "param/subscription_limit" }, allow: ["GET"] }],
  ["rel/subscriptions_post", { template: "/v2/queues/{queue_name}/subscriptions", vars: { ...Q, limit: "param/subscription_limit" }, allow: ["POST"], acceptPost: true }],
  ["rel/subscription", { template: "/v2/queues/{queue_name}/subscriptions/{subscriptions_id}", vars: { ...Q, subscriptions_id: "param/subscriptions_id" }, allow: ["GET", "DELETE"] }],
  ["rel/subscription_patch", { template: "/v2/queues/{queue_name}/subscriptions/{subscriptions_id}", vars: { ...Q, subscriptions_id: "param/subscriptions_id" }, allow: ["PATCH"], acceptPost: true }],
  ["rel/ping", { template: "/v2/ping", allow: ["GET"] }],
];

const adminRels: ReadonlyArray<readonly [string, Rel]> = [
  ["rel/pools", { template: "/v2/pools{?detailed,limit,marker}", vars: { detailed: "param/detailed", limit: "param/pool_limit", marker: "param/marker" }, allow: ["GET"] }],
  ["rel/pool", { template: "/v2/pools/{pool_name}", vars: { pool_name: "param/pool_name" }, allow: ["GET", "PUT", "PATCH", "DELETE"] }],
  ["rel/flavors", { template: "/v2/flavors{?detailed,limit,marker}", vars: { detailed: "param/detailed", limit: "param/flavor_limit", marker: "param/marker" }, allow: ["GET"] }],
  ["rel/flavor", { template: "/v2/flavors/{flavor_name}", vars: { flavor_name: "param/flavor_name" }, allow: ["GET", "PUT", "PATCH", "DELETE"] }],
  ["rel/health", { template: "/v2/health", allow: ["GET"], plain: true }],
];

function resource(rel: Rel): object {
  const hints = { allow: rel.allow, formats: JSON_TYPE, ...(rel.acceptPost ? { "accept-post": ["application/json"] } : {}) };
  if (rel.plain) return { href: rel.template, hints };
  return { "href-template": rel.template, ...(rel.vars ? { "href-vars": rel.vars } : {}), hints };
}

/** The home document as Zaqar serialises it (json.dumps with indent=4). */
export function homeDocument(adminMode: boolean): string {
  const rels = adminMode ? [...publicRels, ...adminRels] : publicRels;
  return JSON.stringify({ resources: Object.fromEntries(rels.map(([name, rel]) => [name, resource(rel)])) }, null, 4);
}

const version = (id: string, status: string, updated: string, type: string, href: string) => ({
  id,
  status,
  updated,
  "media-types": [{ base: "application/json", type }],
  links: [{ href, rel: "self" }],
});

/** Zaqar 15's versions document (v1 and v1.1 still listed, deprecated). */
export const VERSIONS_DOCUMENT = pyJson({
  versions: [
    version("1", "DEPRECATED", "2014-9-11T17:47:05Z", "application/vnd.openstack.messaging-v1+json", "/v1/"),
    version("1.1", "DEPRECATED", "2016-7-29T02:22:47Z", "application/vnd.openstack.messaging-v1_1+json", "/v1.1/"),
    version("2", "CURRENT", "2014-9-24T04:06:47Z", "application/vnd.openstack.messaging-v2+json", "/v2/"),
  ],
});

const getVersions: Handler = {
  failure: "home",
  run: () => Promise.resolve({ status: 300, body: VERSIONS_DOCUMENT }),
};

const HOME_HEADERS = { "content-type": "application/json-home", "cache-control": "max-age=86400" };

function getHome(document: string): Handler {
  return {
    failure: "home",
    async run(c) {
      // No core operation of its own: ping validates the request's context
      // (a malformed Client-ID gets the core's 400); its storage verdict is ignored.
      await c.core.call(c.ctx, "ping", {});
      return { status: 200, headers: HOME_HEADERS, body: document };
    },
  };
}

export function homeRoutes(adminMode: boolean): readonly Route[] {
  return [
    { path: "/", methods: { GET: getVersions } },
    { path: "/v2/", methods: { GET: getHome(homeDocument(adminMode)) } },
  ];
}
