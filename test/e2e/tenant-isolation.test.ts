/**
 * Tenant isolation, property style: two Keystone projects act at random,
 * through the REST edge and the WebSocket edge (both with Keystone auth) and
 * the core's gRPC port (as an internal caller naming the project in x-project-id),
 * on the same queue names. Every answer is checked against a model of what
 * each tenant did: a tenant only ever sees its own queues, messages, claims and
 * subscriptions, and nothing the other one does (even naming its ids) changes
 * them. Runs on memory and on Redis; a failure prints the seed to replay.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import test from "ava";
import { pino } from "pino";
import { readAuthConfig } from "../../common/auth/config.ts";
import { createRestEdge, type RestEdge } from "../../edge-rest/src/app.ts";
import { readWsEdgeConfig } from "../../edge-ws/src/config.ts";
import { createWsEdge, type WsEdge } from "../../edge-ws/src/server.ts";
import { Api } from "../edge-rest/harness.ts";
import { connect, type WsClient } from "../edge-ws/harness.ts";
import { startCore, type TestCore } from "../helpers/core.ts";
import { createTenant, issueToken, keystoneEnv } from "../helpers/keystone.ts";
import { prng } from "../helpers/prng.ts";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.ts";

const CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c";
const QUEUES = ["q0", "q1", "q2"];
const STEPS = 120;
const protoRoot = fileURLToPath(new URL("../../proto", import.meta.url));

type Unary = (req: object, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: any) => void) => void;

/** What one tenant can do, the same way on every transport. Message bodies are {tenant, n}. */
interface Port {
  createQueue(q: string): Promise<void>;
  listQueues(): Promise<string[]>;
  post(q: string, body: object): Promise<string>;
  list(q: string): Promise<Array<{ id: string; body: any }>>;
  /** The message's body, or null when this tenant cannot see it. */
  get(q: string, id: string): Promise<any | null>;
  claim(q: string): Promise<Array<{ id: string; body: any }>>;
  /** Deletes by id without a claim (a no-op for an id this tenant does not own). */
  remove(q: string, id: string): Promise<void>;
  subscribe(q: string): Promise<string>;
  subscriptions(q: string): Promise<string[]>;
  total(q: string): Promise<number>;
}

function restPort(port: number, token: string): Port {
  // X-Project-ID names someone else: the token must win.
  const api = new Api(port, `p-${randomUUID()}`);
  const h = { "X-Auth-Token": token };
  const ok = <R extends { status: number; text: string }>(res: R, ...want: number[]): R => {
    if (!want.includes(res.status)) throw new Error(`REST ${res.status}: ${res.text}`);
    return res;
  };
  return {
    async createQueue(q) {
      ok(await api.put(`/v2/queues/${q}`, undefined, h), 201, 204);
    },
    async listQueues() {
      return ok(await api.get("/v2/queues?limit=20", h), 200).json().queues.map((x: { name: string }) => x.name);
    },
    async post(q, body) {
      const href = ok(await api.post(`/v2/queues/${q}/messages`, { messages: [{ body }] }, h), 201).json().resources[0] as string;
      return href.slice(href.lastIndexOf("/") + 1);
    },
    async list(q) {
      const res = ok(await api.get(`/v2/queues/${q}/messages?echo=true&include_claimed=true&limit=20`, h), 200, 204);
      return res.status === 204 ? [] : res.json().messages;
    },
    async get(q, id) {
      const res = ok(await api.get(`/v2/queues/${q}/messages/${id}`, h), 200, 404);
      return res.status === 404 ? null : res.json().body;
    },
    async claim(q) {
      const res = ok(await api.post(`/v2/queues/${q}/claims?limit=3`, { ttl: 300, grace: 60 }, h), 201, 204);
      return res.status === 204 ? [] : res.json().messages;
    },
    async remove(q, id) {
      ok(await api.delete(`/v2/queues/${q}/messages/${id}`, h), 204, 403);
    },
    async subscribe(q) {
      return ok(await api.post(`/v2/queues/${q}/subscriptions`, { subscriber: `http://127.0.0.1:9/${randomUUID()}`, ttl: 3600 }, h), 201, 409).json()
        .subscription_id;
    },
    async subscriptions(q) {
      return ok(await api.get(`/v2/queues/${q}/subscriptions?limit=20`, h), 200).json().subscriptions.map((s: { id: string }) => s.id);
    },
    async total(q) {
      return ok(await api.get(`/v2/queues/${q}/stats`, h), 200).json().messages.total;
    },
  };
}

function wsPort(c: WsClient): Port {
  const headers = { "Client-ID": CLIENT_ID, "X-Project-ID": `p-${randomUUID()}` };
  const ask = async (action: string, body: object, ...want: number[]) => {
    const a = await c.ask({ action, headers, body });
    if (!want.includes(a.headers.status)) throw new Error(`WS ${action} ${a.headers.status}: ${JSON.stringify(a.body)}`);
    return a;
  };
  return {
    async createQueue(q) {
      await ask("queue_create", { queue_name: q }, 201, 204);
    },
    async listQueues() {
      return (await ask("queue_list", { limit: 20 }, 200)).body.queues.map((x: { name: string }) => x.name);
    },
    async post(q, body) {
      return (await ask("message_post", { queue_name: q, messages: [{ body }] }, 201)).body.message_ids[0];
    },
    async list(q) {
      return (await ask("message_list", { queue_name: q, echo: true, include_claimed: true, limit: 20 }, 200)).body.messages;
    },
    async get(q, id) {
      const a = await ask("message_get", { queue_name: q, message_id: id }, 200, 404);
      return a.headers.status === 404 ? null : a.body.messages.body;
    },
    async claim(q) {
      const a = await ask("claim_create", { queue_name: q, limit: 3, ttl: 300, grace: 60 }, 201, 204);
      return a.headers.status === 204 ? [] : a.body.messages;
    },
    async remove(q, id) {
      await ask("message_delete", { queue_name: q, message_id: id }, 204, 403);
    },
    async subscribe(q) {
      return (await ask("subscription_create", { queue_name: q, subscriber: `http://127.0.0.1:9/${randomUUID()}`, ttl: 3600 }, 201)).body.subscription_id;
    },
    async subscriptions(q) {
      return (await ask("subscription_list", { queue_name: q }, 200)).body.subscriptions.map((s: { id: string }) => s.id);
    },
    async total(q) {
      const a = await ask("queue_get_stats", { queue_name: q }, 200, 404);
      return a.body.messages.total;
    },
  };
}

function grpcPort(ns: grpc.GrpcObject, address: string, project: string): Port {
  const clients = new Map<string, Record<string, Unary>>();
  const svc = (name: string) => {
    let c = clients.get(name);
    if (c === undefined) {
      c = new (ns[name] as grpc.ServiceClientConstructor)(address, grpc.credentials.createInsecure()) as unknown as Record<string, Unary>;
      clients.set(name, c);
    }
    return c;
  };
  const call = (service: string, method: string, req: object): Promise<any> => {
    const md = new grpc.Metadata();
    md.set("x-project-id", project);
    md.set("x-client-id", CLIENT_ID);
    const s = svc(service);
    return new Promise((resolve, reject) => (s[method] as Unary).call(s, req, md, (err, res) => (err ? reject(err) : resolve(res))));
  };
  const json = (b: Buffer) => JSON.parse(b.toString("utf8"));
  const doc = (v: object) => Buffer.from(JSON.stringify(v));
  return {
    async createQueue(q) {
      await call("QueueService", "CreateQueue", { queue: q, metadata: Buffer.alloc(0) });
    },
    async listQueues() {
      return (await call("QueueService", "ListQueues", { limit: 20 })).queues.map((x: { name: string }) => x.name);
    },
    async post(q, body) {
      return (await call("MessageService", "PostMessages", { queue: q, body: doc({ messages: [{ body }] }) })).ids[0];
    },
    async list(q) {
      const res = await call("MessageService", "ListMessages", { queue: q, limit: 20, echo: true, includeClaimed: true, includeDelayed: true });
      return res.messages.map((m: { id: string; body: Buffer }) => ({ id: m.id, body: json(m.body) }));
    },
    async get(q, id) {
      try {
        return json((await call("MessageService", "GetMessage", { queue: q, messageId: id })).message.body);
      } catch (err) {
        if ((err as grpc.ServiceError).code === grpc.status.NOT_FOUND) return null;
        throw err;
      }
    },
    async claim(q) {
      const res = await call("ClaimService", "CreateClaim", { queue: q, limit: 3, body: doc({ ttl: 300, grace: 60 }) });
      return res.messages.map((m: { id: string; body: Buffer }) => ({ id: m.id, body: json(m.body) }));
    },
    async remove(q, id) {
      try {
        await call("MessageService", "DeleteMessage", { queue: q, messageId: id });
      } catch (err) {
        if ((err as grpc.ServiceError).code !== grpc.status.PERMISSION_DENIED) throw err; // claimed: 403 on REST
      }
    },
    async subscribe(q) {
      return (await call("SubscriptionService", "CreateSubscription", { queue: q, body: doc({ subscriber: `http://127.0.0.1:9/${randomUUID()}`, ttl: 3600 }) }))
        .subscriptionId;
    },
    async subscriptions(q) {
      return (await call("SubscriptionService", "ListSubscriptions", { queue: q, limit: 20 })).subscriptions.map((s: { id: string }) => s.id);
    },
    async total(q) {
      return Number((await call("QueueService", "GetQueueStats", { queue: q })).total);
    },
  };
}

/** What a tenant owns, by the model. */
interface Model {
  readonly queues: Set<string>;
  /** Live message ids per queue, with their bodies' n. */
  readonly messages: Map<string, Map<string, number>>;
  readonly subscriptions: Map<string, Set<string>>;
}

const newModel = (): Model => ({ queues: new Set(), messages: new Map(QUEUES.map((q) => [q, new Map()])), subscriptions: new Map(QUEUES.map((q) => [q, new Set()])) });

for (const store of ["memory", "redis"] as const) {
  test(`${store}: two tenants acting at random over REST, WebSocket and gRPC never see or change each other's resources`, async (t) => {
    t.timeout(240_000);
    const seed = Number(process.env["ZAQAR_TEST_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
    t.log(`seed ${seed} (replay with ZAQAR_TEST_SEED=${seed})`);
    const random = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

    let redis: RedisServer | undefined;
    if (store === "redis") redis = await startRedisServer();
    const core: TestCore = await startCore(redis ? { store: "redis", redisUrl: redis.url } : {});
    const ks = keystoneEnv();
    const authEnv = {
      ZAQAR_AUTH_STRATEGY: "keystone",
      ZAQAR_KEYSTONE_URL: ks.url,
      ZAQAR_KEYSTONE_SERVICE_USER: ks.serviceUser,
      ZAQAR_KEYSTONE_SERVICE_PASSWORD: ks.servicePassword,
      ZAQAR_KEYSTONE_SERVICE_PROJECT: ks.serviceProject,
      ZAQAR_KEYSTONE_TIMEOUT_MS: "15000",
    };
    const problems: string[] = [];
    const rest: RestEdge = createRestEdge(
      { listen: { host: "127.0.0.1", port: 0 }, coreUrl: core.grpcAddress, adminMode: false, logLevel: "silent", auth: readAuthConfig(authEnv, problems) },
      { log: pino({ level: "silent" }) },
    );
    t.deepEqual(problems, []);
    const ws: WsEdge = createWsEdge(readWsEdgeConfig({ ZAQAR_WS_LISTEN: "127.0.0.1:0", ZAQAR_CORE_URL: core.grpcAddress, ZAQAR_LOG_LEVEL: "silent", ...authEnv }), {
      log: pino({ level: "silent" }),
    });
    const sockets: WsClient[] = [];
    t.teardown(async () => {
      for (const s of sockets) s.socket.terminate();
      await rest.close();
      await ws.close();
      await core.close();
      await redis?.stop();
    });
    const restAt = (await rest.listen()).port;
    const wsAt = (await ws.listen()).port;
    const definition = protoLoader.loadSync(["zaqar/v1/queue.proto", "zaqar/v1/message.proto", "zaqar/v1/claim.proto", "zaqar/v1/subscription.proto"], {
      includeDirs: [protoRoot],
      longs: Number,
      defaults: true,
    });
    const ns = (grpc.loadPackageDefinition(definition)["zaqar"] as grpc.GrpcObject)["v1"] as grpc.GrpcObject;

    const tenants = await Promise.all(
      [0, 1].map(async () => {
        const tenant = await createTenant();
        const { token } = await issueToken(tenant);
        const socket = await connect(`ws://127.0.0.1:${wsAt}/`);
        sockets.push(socket);
        const auth = await socket.ask({ action: "authenticate", headers: { "Client-ID": CLIENT_ID, "X-Project-ID": "x", "X-Auth-Token": token } });
        if (auth.headers.status !== 200) throw new Error(`authenticate ${JSON.stringify(auth)}`);
        const ports: Record<string, Port> = { rest: restPort(restAt, token), ws: wsPort(socket), grpc: grpcPort(ns, core.grpcAddress, tenant.projectId) };
        return { name: tenant.projectId, ports, model: newModel() };
      }),
    );

    let n = 0;
    for (let step = 0; step < STEPS; step++) {
      const me = pick(tenants);
      const other = tenants[0] === me ? tenants[1] : tenants[0];
      if (me === undefined || other === undefined) throw new Error("two tenants");
      const via = pick(["rest", "ws", "grpc"]);
      const port = me.ports[via] as Port;
      const q = pick(QUEUES);
      const mine = me.model.messages.get(q) as Map<string, number>;
      const theirs = other.model.messages.get(q) as Map<string, number>;
      const where = `step ${step} (${via}, ${q}, seed ${seed})`;
      switch (pick(["create", "post", "post", "list", "get", "claim", "remove", "subscribe", "queues", "total"])) {
        case "create":
          await port.createQueue(q);
          me.model.queues.add(q);
          break;
        case "post": {
          const id = await port.post(q, { tenant: me.name, n: ++n });
          mine.set(id, n);
          me.model.queues.add(q);
          break;
        }
        case "list": {
          const seen = await port.list(q);
          t.deepEqual(seen.map((m) => m.id).sort(), [...mine.keys()].sort(), `list ${where}`);
          for (const m of seen) t.is(m.body.tenant, me.name, `list body ${where}`);
          break;
        }
        case "get": {
          // Half the time an id of the other tenant's, in the same queue name.
          const ownPick = random() < 0.5 && mine.size > 0;
          const pool = ownPick ? mine : theirs;
          if (pool.size === 0) break;
          const id = pick([...pool.keys()]);
          const body = await port.get(q, id);
          if (ownPick) t.deepEqual(body, { tenant: me.name, n: mine.get(id) }, `get own ${where}`);
          else t.is(body, null, `get other's ${where}`);
          break;
        }
        case "claim": {
          const claimed = await port.claim(q);
          for (const m of claimed) {
            t.true(mine.has(m.id), `claimed someone else's ${m.id} ${where}`);
            t.is(m.body.tenant, me.name, `claim body ${where}`);
          }
          break;
        }
        case "remove": {
          // Deleting the other tenant's message id must leave it alone.
          if (theirs.size === 0) break;
          await port.remove(q, pick([...theirs.keys()]));
          break;
        }
        case "subscribe": {
          const id = await port.subscribe(q);
          (me.model.subscriptions.get(q) as Set<string>).add(id);
          me.model.queues.add(q);
          const listed = await port.subscriptions(q);
          t.deepEqual([...listed].sort(), [...(me.model.subscriptions.get(q) as Set<string>)].sort(), `subscriptions ${where}`);
          break;
        }
        case "queues":
          t.deepEqual((await port.listQueues()).sort(), [...me.model.queues].sort(), `queues ${where}`);
          break;
        case "total":
          t.is(await port.total(q), mine.size, `stats ${where}`);
          break;
      }
    }
    // In the end each tenant still has exactly what it made, seen from every transport.
    for (const tenant of tenants) {
      for (const via of ["rest", "ws", "grpc"]) {
        const port = tenant.ports[via] as Port;
        t.deepEqual((await port.listQueues()).sort(), [...tenant.model.queues].sort(), `final queues ${via}`);
        for (const q of QUEUES) t.is(await port.total(q), (tenant.model.messages.get(q) as Map<string, number>).size, `final total ${q} ${via}`);
      }
    }
  });
}
