/**
 * NotificationService over gRPC (notification.proto; rest-subscriptions-notifications.md §3),
 * registered once per store by notifications.test.ts and notifications.redis.test.ts:
 * jobs recorded with posts, each job kind rendered to its exact bytes and
 * fields, ack/retry/lease expiry, range checks and the long poll.
 * Confirmation messages: confirmation-flows.ts.
 */
import * as grpc from "@grpc/grpc-js";
import test, { type ExecutionContext } from "ava";
import { json, startHarness, type Harness, type StoreSetup } from "./subscription-harness.ts";

export interface LeasedJob {
  id: string;
  leaseId: string;
  projectId: string;
  queue: string;
  subscriptionId: string;
  kind: string;
  attempts: number;
  delivery: "webhook" | "email";
  webhook?: { url: string; headers: Record<string, string>; body: Buffer };
  email?: { to: string; from: string; subject: string; text: string };
  retryPolicy: Record<string, unknown>;
}

export const lease = async (h: Harness, options: { max?: number; leaseSeconds?: number; waitMs?: number } = {}): Promise<LeasedJob[]> =>
  (
    await h.call("NotificationService", "LeaseJobs", {
      workerId: "w1",
      maxJobs: options.max ?? 100,
      leaseSeconds: options.leaseSeconds ?? 30,
      waitMs: options.waitMs ?? 0,
    })
  ).jobs;

export const subscribe = (h: Harness, queue: string, doc: unknown, topic = false): Promise<string> =>
  h.call("SubscriptionService", "CreateSubscription", { queue, body: json(doc), topic }).then((r) => r.subscriptionId);

export const post = (h: Harness, queue: string, messages: unknown[], topic = false): Promise<string[]> =>
  h.call("MessageService", "PostMessages", { queue, topic, body: json({ messages }) }).then((r) => r.ids);

const DEFAULT_POLICY = {
  retriesWithNoDelay: 3,
  minimumDelayRetries: 3,
  minimumDelay: 5,
  maximumDelay: 30,
  maximumDelayRetries: 3,
  retryBackoffFunction: "linear",
};

export function notificationSuite(setup: StoreSetup): void {
  const title = (s: string): string => `${setup.store}: ${s}`;
  const start = (t: ExecutionContext, env: Record<string, string> = {}): Promise<Harness> => startHarness(t, setup, env);

  test(title("a post to a queue with subscriptions records one job per message and subscription; other posts record none"), async (t) => {
    const h = await start(t);
    const a = await subscribe(h, "subscribed", { subscriber: "http://a.example/hook" });
    const b = await subscribe(h, "subscribed", { subscriber: "http://b.example/hook" });
    await post(h, "plain", [{ body: 1 }, { body: 2 }, { body: 3 }]);
    t.deepEqual(await lease(h), [], "a queue without subscriptions records nothing");
    await post(h, "subscribed", [{ body: 1 }, { body: 2 }, { body: 3 }]);
    await post(h, "plain", [{ body: 4 }]);
    const jobs = await lease(h);
    t.is(jobs.length, 6);
    t.true(jobs.every((j) => j.queue === "subscribed" && j.projectId === h.project && j.kind === "JOB_KIND_NOTIFICATION" && j.attempts === 0));
    t.deepEqual([...new Set(jobs.map((j) => j.subscriptionId))].sort(), [a, b].sort());
    const bodies = jobs.map((j) => JSON.parse(j.webhook!.body.toString()).body).sort();
    t.deepEqual(bodies, [1, 1, 2, 2, 3, 3]);
    t.deepEqual(await lease(h), [], "leased jobs are not leased again while their lease runs");
  });

  test(title("a webhook job carries the exact payload, the merged headers and the effective retry policy"), async (t) => {
    const h = await start(t);
    const id = await subscribe(h, "orders", {
      subscriber: "http://10.0.0.5:5679/hook?x=1",
      options: { post_headers: { "X-Secret": "s3", "content-type": "application/vnd.x+json", "Bad Name": "x", "X-Obj": { a: 1 }, "X-Num": 7, "X-Split": "a\r\nb" } },
    });
    await post(h, "orders", [{ ttl: 300, body: { event: "BackupStarted", "é": "日本" } }]);
    const [job] = await lease(h);
    t.like(job, { subscriptionId: id, queue: "orders", delivery: "webhook" });
    t.is(job!.webhook!.url, "http://10.0.0.5:5679/hook?x=1");
    t.deepEqual(job!.webhook!.headers, { "content-type": "application/vnd.x+json", "X-Secret": "s3", "X-Num": "7" });
    t.is(
      job!.webhook!.body.toString("utf8"),
      '{"ttl": 300, "body": {"event":"BackupStarted","é":"日本"}, "Message_Type": "Notification", "queue_name": "orders"}',
    );
    t.deepEqual(job!.retryPolicy, DEFAULT_POLICY);
  });

  test(title("post_data is the body with every \"$zaqar_message$\" replaced by the payload"), async (t) => {
    const h = await start(t);
    const postData = '{"foo": "bar", "egg": "$zaqar_message$", "again": ["$zaqar_message$"], "bare": $zaqar_message$}';
    await subscribe(h, "q", { subscriber: "https://x.example/in", options: { post_data: postData } });
    await post(h, "q", [{ ttl: 60, body: "hi" }]);
    const [job] = await lease(h);
    const payload = '{"ttl": 60, "body": "hi", "Message_Type": "Notification", "queue_name": "q"}';
    t.is(job!.webhook!.body.toString(), `{"foo": "bar", "egg": ${payload}, "again": [${payload}], "bare": $zaqar_message$}`);
    t.deepEqual(job!.webhook!.headers, { "Content-Type": "application/json" });
  });

  test(title("trust+ subscribers are posted to without the prefix and without a token"), async (t) => {
    const h = await start(t);
    await subscribe(h, "q", { subscriber: "trust+http://mistral.example:8989/executions", options: { trust_id: "t1" } });
    await subscribe(h, "q", { subscriber: "TRUST+HTTPS://mistral.example/x" });
    await post(h, "q", [{ body: 1 }]);
    const urls = (await lease(h)).map((j) => j.webhook!.url).sort();
    t.deepEqual(urls, ["HTTPS://mistral.example/x", "http://mistral.example:8989/executions"]);
  });

  test(title("delayed queues' payloads carry the delay after the ttl"), async (t) => {
    const h = await start(t);
    await h.call("QueueService", "CreateQueue", { queue: "slow", metadata: json({ _default_message_delay: 10 }) });
    await subscribe(h, "slow", { subscriber: "http://x.example/" });
    await post(h, "slow", [{ ttl: 120, body: { a: 1 } }, { ttl: 120, delay: 0, body: 2 }]);
    const bodies = (await lease(h)).map((j) => j.webhook!.body.toString()).sort();
    t.deepEqual(bodies, [
      '{"ttl": 120, "delay": 0, "body": 2, "Message_Type": "Notification", "queue_name": "slow"}',
      '{"ttl": 120, "delay": 10, "body": {"a":1}, "Message_Type": "Notification", "queue_name": "slow"}',
    ]);
  });

  test(title("encrypted queues' payloads carry the decrypted body"), async (t) => {
    const h = await start(t);
    await h.call("QueueService", "CreateQueue", { queue: "secret", metadata: json({ _enable_encrypt_messages: true }) });
    await subscribe(h, "secret", { subscriber: "http://x.example/" });
    await post(h, "secret", [{ ttl: 60, body: { card: "4111" } }]);
    const [job] = await lease(h);
    t.is(job!.webhook!.body.toString(), '{"ttl": 60, "body": {"card":"4111"}, "Message_Type": "Notification", "queue_name": "secret"}');
  });

  test(title("mailto subscribers get an email: address, sender, subject from the URI or the options, payload text"), async (t) => {
    const h = await start(t);
    const withQuery = await subscribe(h, "q", { subscriber: "mailto:ops@example.com?Subject=Alert%20now&cc=x", options: { from: "zaqar@example.com", subject: "ignored" } });
    const withOption = await subscribe(h, "q", { subscriber: "mailto:dev@example.com?subject=", options: { subject: "New message", from: 5 } });
    const bare = await subscribe(h, "q", { subscriber: "mailto:bare@example.com" });
    await post(h, "q", [{ ttl: 60, body: { n: 1 } }]);
    const jobs = new Map((await lease(h)).map((j) => [j.subscriptionId, j]));
    const text = '{"ttl": 60, "body": {"n":1}, "Message_Type": "Notification", "queue_name": "q"}';
    t.deepEqual(jobs.get(withQuery)!.email, { to: "ops@example.com", from: "zaqar@example.com", subject: "Alert now", text });
    t.deepEqual(jobs.get(withOption)!.email, { to: "dev@example.com", from: "", subject: "New message", text });
    t.deepEqual(jobs.get(bare)!.email, { to: "bare@example.com", from: "", subject: "", text });
    t.is(jobs.get(bare)!.delivery, "email");
    t.deepEqual(jobs.get(bare)!.retryPolicy, DEFAULT_POLICY);
  });

  test(title("topic jobs name the topic and the caller's project"), async (t) => {
    const h = await start(t);
    const id = await subscribe(h, "news", { subscriber: "http://x.example/" }, true);
    await post(h, "news", [{ ttl: 60, body: 1 }], true);
    const [job] = await lease(h);
    t.like(job, { queue: "news", projectId: h.project, subscriptionId: id });
    t.is(job!.webhook!.body.toString(), '{"ttl": 60, "body": 1, "Message_Type": "Notification", "queue_name": "news"}');
  });

  test(title("the retry policy is the subscription's, else the queue's, unless the queue ignores overrides"), async (t) => {
    const h = await start(t);
    await h.call("QueueService", "CreateQueue", { queue: "q", metadata: json({ _retry_policy: { retries_with_no_delay: 9, maximum_delay: 60 } }) });
    const own = await subscribe(h, "q", { subscriber: "http://a.example/", options: { _retry_policy: { retries_with_no_delay: 1, retry_backoff_function: "geometric" } } });
    const inherits = await subscribe(h, "q", { subscriber: "http://b.example/" });
    await post(h, "q", [{ body: 1 }]);
    let jobs = new Map((await lease(h)).map((j) => [j.subscriptionId, j]));
    t.deepEqual(jobs.get(own)!.retryPolicy, { ...DEFAULT_POLICY, retriesWithNoDelay: 1, retryBackoffFunction: "geometric" });
    t.deepEqual(jobs.get(inherits)!.retryPolicy, { ...DEFAULT_POLICY, retriesWithNoDelay: 9, maximumDelay: 60 });

    const patch = json([{ op: "replace", path: "/metadata/_retry_policy", value: { retries_with_no_delay: 4, ignore_subscription_override: true } }]);
    await h.call("QueueService", "UpdateQueue", { queue: "q", patch });
    await post(h, "q", [{ body: 2 }]);
    jobs = new Map((await lease(h)).map((j) => [j.subscriptionId, j]));
    t.deepEqual(jobs.get(own)!.retryPolicy, { ...DEFAULT_POLICY, retriesWithNoDelay: 4 });
  });

  test(title("acked jobs are gone, retried jobs come back after their delay, and expired leases are leased again"), async (t) => {
    const h = await start(t);
    await subscribe(h, "q", { subscriber: "http://x.example/" });
    await post(h, "q", [{ body: "a" }, { body: "b" }, { body: "c" }]);
    const jobs = await lease(h, { leaseSeconds: 60 });
    const byBody = new Map(jobs.map((j) => [JSON.parse(j.webhook!.body.toString()).body as string, j]));
    const [a, b, c] = ["a", "b", "c"].map((k) => byBody.get(k)!);
    await h.call("NotificationService", "AckJobs", { jobs: [{ id: a!.id, leaseId: a!.leaseId }] });
    await h.call("NotificationService", "RetryJob", { job: { id: b!.id, leaseId: b!.leaseId }, delayMs: 5000, attempts: 1 });
    // A stale lease id changes nothing.
    await h.call("NotificationService", "AckJobs", { jobs: [{ id: c!.id, leaseId: "stale" }] });
    h.clock.advance(4_000);
    t.deepEqual(await lease(h), []);
    h.clock.advance(1_000);
    const retried = await lease(h, { leaseSeconds: 60 });
    t.deepEqual(retried.map((j) => [j.id, j.attempts]), [[b!.id, 1]]);
    t.not(retried[0]!.leaseId, b!.leaseId);
    h.clock.advance(55_000);
    const again = await lease(h);
    t.deepEqual(again.map((j) => j.id), [c!.id], "c's lease ran out after 60 s");
    await h.call("NotificationService", "AckJobs", { jobs: [{ id: c!.id, leaseId: again[0]!.leaseId }, { id: retried[0]!.id, leaseId: retried[0]!.leaseId }] });
    h.clock.advance(120_000);
    t.deepEqual(await lease(h), []);
  });

  test(title("LeaseJobs and RetryJob check their ranges"), async (t) => {
    const h = await start(t);
    const bad = (req: object) => h.failure("NotificationService", "LeaseJobs", { workerId: "w", maxJobs: 10, leaseSeconds: 30, waitMs: 0, ...req }, null);
    const invalid = (details: string) => ({ code: grpc.status.INVALID_ARGUMENT, details, reason: "INVALID_REQUEST" });
    t.like(await bad({ maxJobs: 0 }), invalid("max_jobs must be at least 1 and at most 1000."));
    t.like(await bad({ maxJobs: 1001 }), invalid("max_jobs must be at least 1 and at most 1000."));
    t.like(await bad({ leaseSeconds: 0 }), invalid("lease_seconds must be at least 1 and at most 3600."));
    t.like(await bad({ leaseSeconds: 3601 }), invalid("lease_seconds must be at least 1 and at most 3600."));
    t.like(await bad({ waitMs: -1 }), invalid("wait_ms must be at least 0 and at most 30000."));
    t.like(await bad({ waitMs: 30001 }), invalid("wait_ms must be at least 0 and at most 30000."));
    t.like(await h.failure("NotificationService", "RetryJob", { delayMs: 0, attempts: 1 }, null), invalid("job is required."));
    const job = { id: "x", leaseId: "y" };
    t.like(await h.failure("NotificationService", "RetryJob", { job, delayMs: -1, attempts: 1 }, null), invalid("delay_ms must be at least 0."));
    t.like(await h.failure("NotificationService", "RetryJob", { job, delayMs: 0, attempts: -1 }, null), invalid("attempts must be at least 0."));
    t.deepEqual(await h.call("NotificationService", "AckJobs", { jobs: [] }, null), {});
  });

  test(title("a waiting LeaseJobs answers as soon as a post records a job, and empty when its wait ends"), async (t) => {
    const h = await start(t);
    await subscribe(h, "q", { subscriber: "http://x.example/" });
    await lease(h); // nothing yet: also makes sure the queue is known to the core

    let started = Date.now();
    t.deepEqual(await lease(h, { waitMs: 300 }), []);
    t.true(Date.now() - started >= 290, "an empty answer comes when the wait is over");

    started = Date.now();
    const waiting = lease(h, { waitMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await post(h, "q", [{ body: "now" }]);
    const jobs = await waiting;
    const elapsed = Date.now() - started;
    t.is(jobs.length, 1);
    t.true(elapsed < 2_000, `answered after ${elapsed} ms`);
  });

  test(title("a LeaseJobs whose caller gave up leases nothing more"), async (t) => {
    const h = await start(t);
    await subscribe(h, "q", { subscriber: "http://x.example/" });
    const req = { workerId: "gone", maxJobs: 10, leaseSeconds: 30, waitMs: 30_000 };
    const err = await t.throwsAsync<grpc.ServiceError>(h.call("NotificationService", "LeaseJobs", req, null, 300));
    t.is(err?.code, grpc.status.DEADLINE_EXCEEDED);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await post(h, "q", [{ body: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    t.is((await lease(h)).length, 1, "the job is still there for a live caller");
  });

  test(title("a waiting LeaseJobs ends with an empty answer when the core shuts down"), async (t) => {
    const h = await start(t);
    await lease(h); // connected: the waiting call reaches the core at once
    const started = Date.now();
    const waiting = lease(h, { waitMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await h.close();
    t.deepEqual(await waiting, []);
    t.true(Date.now() - started < 5_000);
  });
}
