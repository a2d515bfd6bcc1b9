/** PushService.WatchMessages on Redis (the flows: push-flows.ts), one redis-server for the file. */
import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import test from "ava";
import { WatchStart } from "../../../proto/gen/zaqar/v1/push_pb.js";
import { startCore } from "../../helpers/core.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";
import { CLIENT_B, collect, post, sleep, watch } from "./push-client.ts";
import { pushSuite } from "./push-flows.ts";

let redis: RedisServer | undefined;
test.before(async () => {
  redis = await startRedisServer();
});
test.after.always(async () => redis?.stop());

pushSuite(test, { store: "redis", redisUrl: () => redis!.url });

test("redis: a watch on one core receives what is posted through another core, in order", async (t) => {
  const here = await startCore({ store: "redis", redisUrl: redis!.url });
  const there = await startCore({ store: "redis", redisUrl: redis!.url });
  const watcher = new grpc.Client(here.grpcAddress, grpc.credentials.createInsecure());
  const producer = new grpc.Client(there.grpcAddress, grpc.credentials.createInsecure());
  t.teardown(async () => {
    watcher.close();
    producer.close();
    await Promise.all([here.close(), there.close()]);
  });
  const project = `p-${randomUUID()}`;
  const got = collect(watch(watcher, project, { queue: "far", start: WatchStart.NOW }));
  await got.ready;
  const batches = await Promise.all(
    Array.from({ length: 20 }, (_, i) => post(producer, project, "far", Array.from({ length: 10 }, (_, j) => ({ n: i * 10 + j })), { clientId: CLIENT_B })),
  );
  const received = await got.until(200, 10_000);
  t.deepEqual(new Set(received.map((m) => m.id)), new Set(batches.flat()));
  const markers = received.map((m) => Number(m.marker.split("-")[1]));
  t.deepEqual(markers, [...markers].sort((a, b) => a - b), "markers come in queue order");
});

test("redis: a watch rides out a Redis restart and carries on where it was", async (t) => {
  const own = await startRedisServer();
  const core = await startCore({ store: "redis", redisUrl: own.url });
  const client = new grpc.Client(core.grpcAddress, grpc.credentials.createInsecure());
  t.teardown(async () => {
    client.close();
    await core.close();
    await own.stop();
  });
  const project = `p-${randomUUID()}`;
  const got = collect(watch(client, project, { queue: "down", start: WatchStart.NOW }));
  await got.ready;
  const before = await post(client, project, "down", [{ n: 1 }], { clientId: CLIENT_B });
  t.deepEqual((await got.until(1)).map((m) => m.id), before);
  await own.kill();
  await sleep(500);
  await own.restart();
  // The core's Redis client reconnects in the background: posts answer UNAVAILABLE until it has.
  let after: string[] = [];
  for (let attempt = 0; after.length === 0; attempt++) {
    after = await post(client, project, "down", [{ n: 2 }], { clientId: CLIENT_B }).catch((err: grpc.ServiceError) => {
      if (err.code !== grpc.status.UNAVAILABLE || attempt >= 50) throw err;
      return sleep(100).then(() => []);
    });
  }
  // The restarted server is empty (a new queue generation): the watch's marker lists from its oldest.
  t.deepEqual((await got.until(2, 10_000)).map((m) => m.id), [...before, ...after]);
});
