/**
 * SubscriptionService over gRPC (../shared/spec/rest-subscriptions-notifications.md §1-2),
 * registered once per store by subscriptions.test.ts and subscriptions.redis.test.ts:
 * every validation text, duplicates, PATCH, confirm, TTL expiry, topics,
 * purge and the BatchService operations.
 */
import * as grpc from "@grpc/grpc-js";
import test, { type ExecutionContext } from "ava";
import { json, parse, startHarness, type Failure, type Harness, type StoreSetup } from "./subscription-harness.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TYPES = "The subscriber type of subscription must be supported in the list ['http', 'https', 'mailto', 'trust+http', 'trust+https'].";

const invalid = (details: string): Partial<Failure> => ({ code: grpc.status.INVALID_ARGUMENT, details, reason: "INVALID_REQUEST", title: "Invalid API request", httpStatus: 400 });
const badBody = (details: string): Partial<Failure> => ({ code: grpc.status.INVALID_ARGUMENT, details, reason: "INVALID_BODY", title: "Invalid request body", httpStatus: 400 });

export function subscriptionSuite(setup: StoreSetup): void {
  const title = (s: string): string => `${setup.store}: ${s}`;
  const start = (t: ExecutionContext): Promise<Harness> => startHarness(t, setup);
  const subscribe = (h: Harness, queue: string, doc: unknown, topic = false): Promise<string> =>
    h.call("SubscriptionService", "CreateSubscription", { queue, body: json(doc), topic }).then((r) => r.subscriptionId);
  const get = (h: Harness, queue: string, id: string, topic = false) =>
    h.call("SubscriptionService", "GetSubscription", { queue, subscriptionId: id, topic }).then((r) => r.subscription);
  const list = (h: Harness, queue: string, extra: object = {}) =>
    h.call("SubscriptionService", "ListSubscriptions", { queue, ...extra }).then((r) => r.subscriptions);
  const createFails = (h: Harness, queue: string, body: Buffer | undefined) =>
    h.failure("SubscriptionService", "CreateSubscription", { queue, ...(body ? { body } : {}) });

  test(title("a subscription is created, read back with its age, options and confirmed flag, and listed"), async (t) => {
    const h = await start(t);
    const id = await subscribe(h, "orders", { subscriber: "http://10.0.0.5:5679/hook", ttl: 3600, options: { post_headers: { "X-Secret": "s3" } } });
    t.regex(id, UUID);
    h.clock.advance(1632_400);
    const sub = await get(h, "orders", id);
    t.like(sub, { id, source: "orders", subscriber: "http://10.0.0.5:5679/hook", ttl: 3600, age: 1632, confirmed: false });
    t.deepEqual(parse(sub.options), { post_headers: { "X-Secret": "s3" } });
    t.deepEqual((await list(h, "orders")).map((s: { id: string }) => s.id), [id]);
  });

  test(title("ttl defaults to 3600 when absent or null, and options to {}"), async (t) => {
    const h = await start(t);
    const a = await subscribe(h, "q", { subscriber: "https://a.example/x" });
    const b = await subscribe(h, "q", { subscriber: "mailto:ops@example.com?subject=Alert", ttl: null, options: null });
    const c = await subscribe(h, "q", { subscriber: "trust+https://c.example/x", options: [] });
    for (const id of [a, b, c]) {
      const sub = await get(h, "q", id);
      t.is(sub.ttl, 3600);
      t.deepEqual(parse(sub.options), {});
    }
  });

  test(title("the queue is created before the document is validated, but not for an unparseable body"), async (t) => {
    const h = await start(t);
    t.like(await createFails(h, "made", json({ subscriber: "ftp://x" })), invalid(TYPES));
    t.like(await createFails(h, "unmade", Buffer.from("{oops")), badBody("Request body could not be parsed."));
    const queues = await h.call("QueueService", "ListQueues", {});
    t.deepEqual(queues.queues.map((q: { name: string }) => q.name), ["made"]);
  });

  test(title("create refuses documents with Zaqar's texts"), async (t) => {
    const h = await start(t);
    t.like(await createFails(h, "q", undefined), invalid("Missing parameter subscriber in body."));
    t.like(await createFails(h, "q", json({ ttl: 3600 })), invalid("Missing parameter subscriber in body."));
    t.like(await createFails(h, "q", json([{ subscriber: "http://x/y" }])), badBody("Document type not supported."));
    for (const subscriber of ["fake", "email://x", "ftp://x", "", 5, null, ["http://x/y"], "://x"]) {
      t.like(await createFails(h, "q", json({ subscriber })), invalid(TYPES), JSON.stringify(subscriber));
    }
    t.like(await createFails(h, "q", json({ subscriber: "http://" })), invalid("The subscriber must be a valid http or https URL with a host."));
    t.like(await createFails(h, "q", json({ subscriber: "trust+https://" })), invalid("The subscriber must be a valid http or https URL with a host."));
    t.like(await createFails(h, "q", json({ subscriber: "http://a.example/\nx" })), invalid("The subscriber must be a valid http or https URL with a host."));
    for (const subscriber of ["mailto:", "mailto:ops", "mailto:@example.com", "mailto:ops@", "mailto:o ps@example.com"]) {
      t.like(await createFails(h, "q", json({ subscriber })), invalid("The subscriber must be a mailto: URI with an email address."), subscriber);
    }
    for (const options of ["x", [1], 5, true]) {
      t.like(await createFails(h, "q", json({ subscriber: "http://x/y", options })), invalid("Options must be a dict."), JSON.stringify(options));
    }
    const policy = { subscriber: "http://x/y", options: { _retry_policy: { minimum_delay: 21 } } };
    t.like(await createFails(h, "q", json(policy)), invalid("invalid minimum_delay and maximum_delay."));
    t.like(await createFails(h, "q", json({ subscriber: "http://x/y", options: { _retry_policy: 3 } })), invalid("retry_policy must be a dict."));
  });

  test(title("ttl must be an integer of at least 60 whose expiry is a representable datetime"), async (t) => {
    const h = await start(t);
    const ttl = (value: unknown) => createFails(h, "q", json({ subscriber: "http://x/y", ttl: value }));
    for (const value of ["60", 60.5, [60], { a: 1 }, ""]) t.like(await ttl(value), invalid("TTL must be an integer."), JSON.stringify(value));
    for (const value of [59, 0, -1, -100000, false, true]) {
      t.like(await ttl(value), invalid("The TTL for a subscription must be at least 60 seconds long."), JSON.stringify(value));
    }
    const overflow = "The TTL seconds for a subscription plus current time must be less than 9999-12-31 23:59:59.999999.";
    t.like(await ttl(10 ** 12), invalid(overflow));
    t.like(await h.failure("SubscriptionService", "CreateSubscription", { queue: "q", body: Buffer.from('{"subscriber": "http://x/y", "ttl": 9223372036854775807}') }), invalid(overflow));
    t.like(await ttl(3_000_000_000), invalid("The TTL for a subscription may not exceed 2147483647 seconds."));
    const id = await subscribe(h, "q", { subscriber: "http://x/y", ttl: 2147483647 });
    t.is((await get(h, "q", id)).ttl, 2147483647);
  });

  test(title("schemes match case-insensitively and subscribers are stored as given"), async (t) => {
    const h = await start(t);
    for (const subscriber of ["HTTP://x/y", "Mailto:a@b.example", "TRUST+http://x/z", "https://x/y?a=1#f"]) {
      const id = await subscribe(h, "q", { subscriber });
      t.is((await get(h, "q", id)).subscriber, subscriber);
    }
  });

  test(title("re-creating an unconfirmed subscription answers its id; a confirmed one is a conflict"), async (t) => {
    const h = await start(t);
    const doc = { subscriber: "http://127.0.0.1:9/hook", ttl: 3600, options: { k: "v" } };
    const id = await subscribe(h, "demo", doc);
    t.is(await subscribe(h, "demo", { ...doc, ttl: 7200 }), id);
    t.is((await get(h, "demo", id)).ttl, 3600, "the existing subscription is left unchanged");
    await h.call("SubscriptionService", "ConfirmSubscription", { queue: "demo", subscriptionId: id, body: json({ confirmed: true }) });
    t.like(await createFails(h, "demo", json(doc)), {
      code: grpc.status.ALREADY_EXISTS,
      details: "Such subscription already exists.Subscriptions are unique by project + queue + subscriber URI.",
      reason: "SUBSCRIPTION_EXISTS",
      title: "Resource conflict",
      httpStatus: 409,
    });
    t.not(await subscribe(h, "other", doc), id, "uniqueness is per queue");
  });

  test(title("listing pages by id with Zaqar's limit rules; an unknown queue lists nothing"), async (t) => {
    const h = await start(t);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await subscribe(h, "q", { subscriber: `http://x/${i}` }));
    ids.sort();
    const first = await list(h, "q");
    t.deepEqual(first.map((s: { id: string }) => s.id), ids.slice(0, 10));
    t.deepEqual((await list(h, "q", { limit: 5, marker: ids[9] })).map((s: { id: string }) => s.id), ids.slice(10));
    t.deepEqual((await list(h, "q", { limit: 20 })).length, 12);
    const text = "Limit must be at least 1 and may not be greater than 20.";
    for (const limit of [0, 21, -1]) t.like(await h.failure("SubscriptionService", "ListSubscriptions", { queue: "q", limit }), invalid(text));
    t.deepEqual(await list(h, "nowhere"), []);
    t.like(await h.failure("SubscriptionService", "ListSubscriptions", { queue: "bad name" }), {
      reason: "INVALID_QUEUE_NAME",
      details: "The format of the submitted queue name or project id is not valid.",
    });
  });

  test(title("an unknown subscription is not found; deleting one always succeeds"), async (t) => {
    const h = await start(t);
    const id = await subscribe(h, "q", { subscriber: "http://x/y" });
    const notFound = (sid: string) => ({ code: grpc.status.NOT_FOUND, details: `Subscription ${sid} does not exist`, reason: "SUBSCRIPTION_NOT_FOUND", title: "Not found", httpStatus: 404 });
    t.like(await h.failure("SubscriptionService", "GetSubscription", { queue: "q", subscriptionId: "5c3e6f2f3fd5b34b0d1a1a1a" }), notFound("5c3e6f2f3fd5b34b0d1a1a1a"));
    t.deepEqual(await h.call("SubscriptionService", "DeleteSubscription", { queue: "q", subscriptionId: "5c3e6f2f3fd5b34b0d1a1a1a" }), {});
    t.deepEqual(await h.call("SubscriptionService", "DeleteSubscription", { queue: "q", subscriptionId: id }), {});
    t.like(await h.failure("SubscriptionService", "GetSubscription", { queue: "q", subscriptionId: id }), notFound(id));
    t.like(await h.failure("SubscriptionService", "GetSubscription", { queue: "q", subscriptionId: id }, `p-other-${id}`), notFound(id));
  });

  test(title("PATCH changes subscriber, options and ttl; a new ttl restarts the expiry"), async (t) => {
    const h = await start(t);
    const id = await subscribe(h, "q", { subscriber: "http://x/y", ttl: 100, options: { a: 1 } });
    const patch = (doc: unknown) => h.call("SubscriptionService", "UpdateSubscription", { queue: "q", subscriptionId: id, body: json(doc) });
    h.clock.advance(90_000);
    t.deepEqual(await patch({ ttl: 120, options: { b: 2 }, subscriber: "mailto:a@b.example", other: "ignored" }), {});
    const sub = await get(h, "q", id);
    t.like(sub, { subscriber: "mailto:a@b.example", ttl: 120, age: 90 });
    t.deepEqual(parse(sub.options), { b: 2 });
    await patch({ options: null, ttl: null, subscriber: "http://x/z" });
    t.like(await get(h, "q", id), { subscriber: "http://x/z", ttl: 120 }, "null values change nothing");
    h.clock.advance(119_000);
    t.is((await get(h, "q", id)).age, 209);
    h.clock.advance(2_000);
    t.like(await h.failure("SubscriptionService", "GetSubscription", { queue: "q", subscriptionId: id }), { reason: "SUBSCRIPTION_NOT_FOUND" });
  });

  test(title("PATCH refuses documents with Zaqar's texts"), async (t) => {
    const h = await start(t);
    const id = await subscribe(h, "q", { subscriber: "http://x/y" });
    await subscribe(h, "q", { subscriber: "http://x/taken" });
    const patchFails = (body: Buffer | undefined, subscriptionId = id) =>
      h.failure("SubscriptionService", "UpdateSubscription", { queue: "q", subscriptionId, ...(body ? { body } : {}) });
    for (const body of [undefined, Buffer.alloc(0), json({}), json([])]) t.like(await patchFails(body), invalid("No subscription to create."));
    t.like(await patchFails(json([1])), invalid("Subscriptions must be a dict."));
    t.like(await patchFails(Buffer.from("nope")), badBody("Request body could not be parsed."));
    t.like(await patchFails(json({ subscriber: "ftp://x" })), invalid(TYPES));
    t.like(await patchFails(json({ subscriber: "" })), invalid(TYPES));
    t.like(await patchFails(json({ options: "x" })), invalid("Options must be a dict."));
    t.like(await patchFails(json({ ttl: 0 })), invalid("The TTL for a subscription must be at least 60 seconds long."));
    t.like(await patchFails(json({ ttl: "x" })), invalid("TTL must be an integer."));
    const unable = { code: grpc.status.INVALID_ARGUMENT, details: `Subscription ${id} could not be updated.`, reason: "SUBSCRIPTION_NOT_UPDATED", title: "Unable to update subscription", httpStatus: 400 };
    t.like(await patchFails(json({ foo: 1 })), unable);
    t.like(await patchFails(json({ ttl: null })), unable);
    t.like(await patchFails(json({ subscriber: "http://x/taken" })), {
      code: grpc.status.ALREADY_EXISTS,
      details: "Such subscription already exists. Subscriptions are unique by project + queue + subscriber URI.",
      reason: "SUBSCRIPTION_EXISTS",
      httpStatus: 409,
    });
    t.like(await patchFails(json({ ttl: 60 }), "f3e0c2a6-5d3b-4c1e-9a9e-000000000000"), {
      code: grpc.status.NOT_FOUND,
      details: "Subscription f3e0c2a6-5d3b-4c1e-9a9e-000000000000 does not exist",
    });
  });

  test(title("confirm sets the flag and takes only a JSON boolean"), async (t) => {
    const h = await start(t);
    const id = await subscribe(h, "q", { subscriber: "http://x/y" });
    const confirm = (body: Buffer | undefined, subscriptionId = id) => ({ queue: "q", subscriptionId, ...(body ? { body } : {}) });
    const boolean = invalid("The 'confirmed' should be boolean.");
    for (const body of [undefined, Buffer.alloc(0), json({}), json({ confirmed: "true" }), json({ confirmed: 1 }), json({ confirmed: null })]) {
      t.like(await h.failure("SubscriptionService", "ConfirmSubscription", confirm(body)), boolean);
    }
    t.like(await h.failure("SubscriptionService", "ConfirmSubscription", confirm(Buffer.from("{"))), badBody("Request body could not be parsed."));
    t.like(await h.failure("SubscriptionService", "ConfirmSubscription", confirm(json([true]))), badBody("Document type not supported."));
    t.like(await h.failure("SubscriptionService", "ConfirmSubscription", confirm(json({ confirmed: true }), "nope")), {
      code: grpc.status.NOT_FOUND,
      details: "Subscription nope does not exist",
    });
    await h.call("SubscriptionService", "ConfirmSubscription", confirm(json({ confirmed: true })));
    t.true((await get(h, "q", id)).confirmed);
    await h.call("SubscriptionService", "ConfirmSubscription", confirm(json({ confirmed: false })));
    t.false((await get(h, "q", id)).confirmed);
  });

  test(title("a subscription expires ttl seconds after its creation"), async (t) => {
    const h = await start(t);
    const id = await subscribe(h, "q", { subscriber: "http://x/y", ttl: 60 });
    const keep = await subscribe(h, "q", { subscriber: "http://x/z", ttl: 3600 });
    h.clock.advance(59_000);
    t.is((await get(h, "q", id)).age, 59);
    h.clock.advance(1_000);
    t.like(await h.failure("SubscriptionService", "GetSubscription", { queue: "q", subscriptionId: id }), { reason: "SUBSCRIPTION_NOT_FOUND" });
    t.deepEqual((await list(h, "q")).map((s: { id: string }) => s.id), [keep]);
    t.not(await subscribe(h, "q", { subscriber: "http://x/y" }), id, "an expired subscriber can subscribe anew");
  });

  test(title("topic subscriptions live apart from the queue of the same name"), async (t) => {
    const h = await start(t);
    const id = await subscribe(h, "news", { subscriber: "http://x/y" }, true);
    t.like(await get(h, "news", id, true), { id, source: "news" });
    t.deepEqual(await list(h, "news"), []);
    t.like(await h.failure("SubscriptionService", "GetSubscription", { queue: "news", subscriptionId: id }), { reason: "SUBSCRIPTION_NOT_FOUND" });
    const topics = await h.call("TopicService", "ListTopics", {});
    t.deepEqual(topics.topics.map((s: { name: string }) => s.name), ["news"], "the topic was created with the subscription");
    t.like(await h.failure("SubscriptionService", "CreateSubscription", { queue: "bad name", topic: true, body: json({}) }), {
      reason: "INVALID_TOPIC_NAME",
      details: "The format of the submitted topic name or project id is not valid.",
    });
  });

  test(title("purging subscriptions removes every one of the queue and keeps its messages"), async (t) => {
    const h = await start(t);
    for (let i = 0; i < 12; i++) await subscribe(h, "q", { subscriber: `http://x/${i}` });
    await h.call("MessageService", "PostMessages", { queue: "q", body: json({ messages: [{ body: 1 }] }) });
    await h.call("QueueService", "PurgeQueue", { queue: "q", body: json({ resource_types: ["messages"] }) });
    t.is((await list(h, "q", { limit: 20 })).length, 12, "purging messages keeps subscriptions");
    await h.call("MessageService", "PostMessages", { queue: "q", body: json({ messages: [{ body: 2 }] }) });
    await h.call("QueueService", "PurgeQueue", { queue: "q", body: json({ resource_types: ["subscriptions"] }) });
    t.deepEqual(await list(h, "q", { limit: 20 }), []);
    t.is((await h.call("QueueService", "GetQueueStats", { queue: "q" })).total, 1);
    for (let i = 0; i < 3; i++) await subscribe(h, "q", { subscriber: `http://x/${i}` });
    await h.call("QueueService", "PurgeQueue", { queue: "q" });
    t.deepEqual(await list(h, "q"), [], "a purge without a document purges both");

    await subscribe(h, "t", { subscriber: "http://x/y" }, true);
    await h.call("TopicService", "PurgeTopic", { topic: "t", body: json({ resource_types: ["subscriptions"] }) });
    t.deepEqual(await list(h, "t", { topic: true }), []);
  });

  test(title("deleting a queue deletes its subscriptions"), async (t) => {
    const h = await start(t);
    const id = await subscribe(h, "q", { subscriber: "http://x/y" });
    await h.call("QueueService", "DeleteQueue", { queue: "q" });
    t.like(await h.failure("SubscriptionService", "GetSubscription", { queue: "q", subscriptionId: id }), { reason: "SUBSCRIPTION_NOT_FOUND" });
    t.deepEqual(await list(h, "q"), []);
  });

  test(title("BatchService carries the subscription operations"), async (t) => {
    const h = await start(t);
    const context = { projectId: h.project };
    const res = await h.call("BatchService", "Execute", {
      operations: [{ context, createSubscription: { queue: "b", body: json({ subscriber: "http://x/y" }) } }],
    });
    const id = res.outcomes[0].createSubscription.subscriptionId;
    t.regex(id, UUID);
    const more = await h.call("BatchService", "Execute", {
      operations: [
        { context, listSubscriptions: { queue: "b" } },
        { context, getSubscription: { queue: "b", subscriptionId: id } },
        { context, updateSubscription: { queue: "b", subscriptionId: id, body: json({ ttl: 600 }) } },
        { context, confirmSubscription: { queue: "b", subscriptionId: id, body: json({ confirmed: "yes" }) } },
        { context, deleteSubscription: { queue: "b", subscriptionId: "unknown" } },
      ],
    });
    t.deepEqual(more.outcomes[0].listSubscriptions.subscriptions.map((s: { id: string }) => s.id), [id]);
    t.is(more.outcomes[1].getSubscription.subscription.subscriber, "http://x/y");
    t.deepEqual(more.outcomes[2].updateSubscription, {});
    t.like(more.outcomes[3].failure, { code: grpc.status.INVALID_ARGUMENT, description: "The 'confirmed' should be boolean." });
    t.deepEqual(more.outcomes[4].deleteSubscription, {});
    t.is((await get(h, "b", id)).ttl, 600);
  });
}
