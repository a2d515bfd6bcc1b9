/**
 * NotificationService over gRPC on the memory store (the flows:
 * notification-flows.ts), and both new services on the Connect listener.
 */
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import test from "ava";
import { JobKind, NotificationService } from "../../../proto/gen/zaqar/v1/notification_pb.js";
import { SubscriptionService } from "../../../proto/gen/zaqar/v1/subscription_pb.js";
import { notificationSuite, post } from "./notification-flows.ts";
import { json, startHarness } from "./subscription-harness.ts";

notificationSuite({ store: "memory" });

for (const protocol of ["grpc", "connect"] as const) {
  test(`the Connect listener serves SubscriptionService and NotificationService (${protocol} protocol)`, async (t) => {
    const h = await startHarness(t, { store: "memory" });
    const baseUrl = h.core.connectUrl;
    const transport = protocol === "grpc" ? createGrpcTransport({ baseUrl }) : createConnectTransport({ baseUrl, httpVersion: "2" });
    const subscriptions = createClient(SubscriptionService, transport);
    const notifications = createClient(NotificationService, transport);
    const headers = { "x-project-id": h.project, "x-client-id": "3381af92-2b9e-11e3-b191-71861300734c" };
    const { subscriptionId } = await subscriptions.createSubscription({ queue: "q", body: json({ subscriber: "http://x.example/" }) }, { headers });
    await post(h, "q", [{ ttl: 60, body: 1 }]);
    const { jobs } = await notifications.leaseJobs({ workerId: "w", maxJobs: 10, leaseSeconds: 30, waitMs: 0 });
    t.is(jobs.length, 1);
    t.like(jobs[0], { subscriptionId, kind: JobKind.NOTIFICATION, queue: "q" });
    t.is(jobs[0]?.delivery.case, "webhook");
    await notifications.ackJobs({ jobs: [{ id: jobs[0]!.id, leaseId: jobs[0]!.leaseId }] });
    const err = await t.throwsAsync(notifications.leaseJobs({ workerId: "w", maxJobs: 0, leaseSeconds: 30, waitMs: 0 }));
    t.is(ConnectError.from(err).code, Code.InvalidArgument);
    t.is(ConnectError.from(err).rawMessage, "max_jobs must be at least 1 and at most 1000.");
  });
}
