/**
 * QueueService.ShareQueue called directly, as an internal service would
 * (Connect protocol, and the native gRPC port through BatchService): the
 * signed facts, and the refusal without a secret with its error detail.
 */
import { randomUUID } from "node:crypto";
import { createClient, ConnectError, Code } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import test from "ava";
import { signedHttpRequest, urlSignature, verifySignedRequest, type SignedRequest } from "../../../common/signed-url.ts";
import { createManualClock } from "../../../core/src/clock.ts";
import { BatchService } from "../../../proto/gen/zaqar/v1/batch_pb.js";
import { ErrorDetailSchema } from "../../../proto/gen/zaqar/v1/errors_pb.js";
import { QueueService } from "../../../proto/gen/zaqar/v1/queue_pb.js";
import { startCore } from "../../helpers/core.ts";

const NOW = Date.UTC(2031, 0, 1, 0, 0, 0, 250);
const KEY = "core-share-key";

test("ShareQueue signs the queue's paths for the caller's project", async (t) => {
  const core = await startCore({ clock: createManualClock(NOW), env: { ZAQAR_SIGNED_URL_SECRET_KEY: KEY } });
  t.teardown(() => core.close());
  const queues = createClient(QueueService, createConnectTransport({ baseUrl: core.connectUrl, httpVersion: "2" }));
  const project = `p-${randomUUID()}`;
  const body = new TextEncoder().encode('{"paths": ["claims", "messages"], "methods": ["POST"], "expires": "2031-02-01T00:00:00Z"}');
  const res = await queues.shareQueue({ queue: "jobs", body }, { headers: { "x-project-id": project } });
  const facts = { paths: ["/v2/queues/jobs/claims", "/v2/queues/jobs/messages"], methods: ["POST"], project, expires: "2031-02-01T00:00:00" };
  t.deepEqual(
    { paths: res.paths, methods: res.methods, project: res.project, expires: res.expires, signature: res.signature },
    { ...facts, signature: urlSignature(KEY, facts) },
  );
  const signed = signedHttpRequest("POST", "/v2/queues/jobs/messages", {
    "url-signature": res.signature,
    "url-expires": res.expires,
    "url-methods": res.methods.join(","),
    "url-paths": res.paths.join(","),
    "x-project-id": res.project,
  }) as SignedRequest;
  t.true(verifySignedRequest(signed, KEY, NOW));
});

test("ShareQueue through BatchService on the gRPC port answers the same, and names the secret's absence", async (t) => {
  const core = await startCore({ clock: createManualClock(NOW) });
  t.teardown(() => core.close());
  const batch = createClient(BatchService, createGrpcTransport({ baseUrl: `http://${core.grpcAddress}` }));
  const res = await batch.execute({
    operations: [{ context: { projectId: `p-${randomUUID()}` }, request: { case: "shareQueue", value: { queue: "jobs", body: new TextEncoder().encode("{}") } } }],
  });
  const outcome = res.outcomes[0]?.response;
  t.is(outcome?.case, "failure");
  const failure = outcome?.case === "failure" ? outcome.value : undefined;
  t.is(failure?.code, Code.InvalidArgument);
  t.is(failure?.description, "The `key` can't be None");
  t.like(failure?.detail, { reason: "INVALID_REQUEST", title: "Invalid API request", httpStatus: 400 });

  const queues = createClient(QueueService, createConnectTransport({ baseUrl: core.connectUrl, httpVersion: "2" }));
  const err = await t.throwsAsync<ConnectError>(queues.shareQueue({ queue: "jobs" }, { headers: { "x-project-id": "p" } }));
  t.is(err?.findDetails(ErrorDetailSchema)[0]?.reason, "INVALID_BODY");
  t.is(err?.rawMessage, "Request body can not be empty");
});
