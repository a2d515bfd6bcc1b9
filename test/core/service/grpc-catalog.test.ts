/**
 * PoolService and FlavorService answered on the core's native gRPC port, to a
 * plain grpc-js client (proto-loader, no generated code of ours), with the
 * admin policy taken from the caller's x-roles.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import test from "ava";
import { startCore, type TestCore } from "../../helpers/core.ts";

const protoRoot = fileURLToPath(new URL("../../../proto", import.meta.url));
let core: TestCore;
let ns: grpc.GrpcObject;

test.before(async () => {
  const definition = protoLoader.loadSync(["zaqar/v1/pool.proto", "zaqar/v1/flavor.proto"], { includeDirs: [protoRoot], longs: Number, defaults: true });
  ns = (grpc.loadPackageDefinition(definition)["zaqar"] as grpc.GrpcObject)["v1"] as grpc.GrpcObject;
  core = await startCore();
});
test.after.always(() => core.close());

type Unary = (req: object, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: any) => void) => void;

function call(service: string, method: string, req: object, roles: string): Promise<any> {
  const Ctor = ns[service] as grpc.ServiceClientConstructor;
  const client = new Ctor(core.grpcAddress, grpc.credentials.createInsecure()) as unknown as Record<string, Unary>;
  const md = new grpc.Metadata();
  md.set("x-project-id", `p-${randomUUID()}`);
  if (roles !== "") md.set("x-roles", roles);
  return new Promise((resolve, reject) => (client[method] as Unary).call(client, req, md, (err, res) => (err ? reject(err) : resolve(res)))).finally(() =>
    (client as unknown as grpc.Client).close(),
  );
}

test("pools answer a grpc-js client with the admin role and refuse one without it", async (t) => {
  const name = `pool-${randomUUID()}`;
  const body = Buffer.from(JSON.stringify({ weight: 10, uri: "memory:" }));
  const denied = await t.throwsAsync<grpc.ServiceError>(call("PoolService", "CreatePool", { name, body }, "member"));
  t.is(denied?.code, grpc.status.PERMISSION_DENIED);
  await call("PoolService", "CreatePool", { name, body }, "admin");
  const listed = await call("PoolService", "ListPools", { limit: 20 }, "Admin");
  t.true(listed.pools.some((p: { name: string }) => p.name === name));
});

test("flavors are listed to anyone over gRPC", async (t) => {
  const listed = await call("FlavorService", "ListFlavors", {}, "");
  t.deepEqual(listed.flavors, []);
});
