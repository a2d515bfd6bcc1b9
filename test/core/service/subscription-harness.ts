/**
 * A real core per test, called as internal services and edges call it: a
 * plain @grpc/grpc-js client built from the .proto files with
 * @grpc/proto-loader (none of our generated code), against the native gRPC
 * port. The core runs on a manual clock (subscription TTLs) and on the given
 * store; each test gets its own core, because notification jobs are leased
 * across every project of a store.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { fromBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { ExecutionContext } from "ava";
import { ErrorDetailSchema, RpcStatusSchema } from "../../../proto/gen/zaqar/v1/errors_pb.js";
import { createManualClock, type ManualClock } from "../../../core/src/clock.ts";
import { startCore, type TestCore } from "../../helpers/core.ts";
import { startRedisServer } from "../../helpers/redis-server.ts";

const protoRoot = fileURLToPath(new URL("../../../proto", import.meta.url));
const definition = protoLoader.loadSync(
  ["zaqar/v1/subscription.proto", "zaqar/v1/notification.proto", "zaqar/v1/message.proto", "zaqar/v1/queue.proto", "zaqar/v1/topic.proto", "zaqar/v1/batch.proto"],
  { includeDirs: [protoRoot], longs: Number, enums: String, defaults: true, oneofs: true },
);
const pkg = ((grpc.loadPackageDefinition(definition)["zaqar"] as grpc.GrpcObject)["v1"]) as grpc.GrpcObject;

export const CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c";

export type ServiceName = "SubscriptionService" | "NotificationService" | "MessageService" | "QueueService" | "TopicService" | "BatchService";
type Unary = (req: object, md: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: any) => void) => void;

export interface StoreSetup {
  readonly store: "memory" | "redis";
  /** Redis only: the server's URL (notification tests need one of their own per test: jobs are store-wide). */
  readonly redisUrl?: (t: ExecutionContext) => Promise<string>;
}

export interface Harness {
  readonly core: TestCore;
  /** Closes the core (once; the teardown closes it otherwise). */
  close(): Promise<void>;
  readonly clock: ManualClock;
  /** A fresh random project of this test. */
  readonly project: string;
  call(service: ServiceName, method: string, req: object, project?: string | null, deadlineMs?: number): Promise<any>;
  /** The failure of a call that must fail: gRPC code, description and ErrorDetail. */
  failure(service: ServiceName, method: string, req: object, project?: string | null): Promise<Failure>;
}

export interface Failure {
  readonly code: number;
  readonly details: string;
  readonly reason: string;
  readonly title: string;
  readonly httpStatus: number;
}

export async function startHarness(t: ExecutionContext, setup: StoreSetup, env: Record<string, string> = {}): Promise<Harness> {
  const clock = createManualClock(Date.now());
  const redisUrl = setup.store === "redis" && setup.redisUrl ? await setup.redisUrl(t) : undefined;
  const core = await startCore({ store: setup.store, ...(redisUrl ? { redisUrl } : {}), clock, env });
  const clients = new Map<ServiceName, grpc.Client>();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= core.close());
  t.teardown(async () => {
    for (const client of clients.values()) client.close();
    await close();
  });
  const project = `p-${randomUUID()}`;

  const client = (service: ServiceName): grpc.Client => {
    let found = clients.get(service);
    if (found === undefined) {
      const Ctor = pkg[service] as grpc.ServiceClientConstructor;
      found = new Ctor(core.grpcAddress, grpc.credentials.createInsecure());
      clients.set(service, found);
    }
    return found;
  };

  const call: Harness["call"] = (service, method, req, callProject = project, deadlineMs = 60_000) => {
    const md = new grpc.Metadata();
    if (callProject !== null) md.set("x-project-id", callProject);
    md.set("x-client-id", CLIENT_ID);
    const svc = client(service) as unknown as Record<string, Unary>;
    const fn = svc[method];
    if (fn === undefined) throw new Error(`no method ${service}.${method}`);
    return new Promise((resolve, reject) =>
      fn.call(svc, req, md, { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res))),
    );
  };

  return {
    core,
    close,
    clock,
    project,
    call,
    async failure(service, method, req, callProject = project) {
      try {
        await call(service, method, req, callProject);
      } catch (caught) {
        const err = caught as grpc.ServiceError;
        const raw = err.metadata?.get("grpc-status-details-bin")[0];
        const detail = raw ? fromBinary(ErrorDetailSchema, fromBinary(RpcStatusSchema, raw as Buffer).details[0]!.value) : undefined;
        return { code: err.code, details: err.details, reason: detail?.reason ?? "", title: detail?.title ?? "", httpStatus: detail?.httpStatus ?? 0 };
      }
      throw new Error(`${service}.${method} succeeded but was expected to fail`);
    },
  };
}

export const json = (doc: unknown): Buffer => Buffer.from(JSON.stringify(doc));
export const parse = (bytes: Buffer): any => JSON.parse(bytes.toString("utf8"));

/** A private redis-server for one test, stopped by its teardown (after the core closes: teardowns run last-in first-out). */
export async function redisPerTest(t: ExecutionContext): Promise<string> {
  const server = await startRedisServer();
  t.teardown(() => server.stop());
  return server.url;
}
