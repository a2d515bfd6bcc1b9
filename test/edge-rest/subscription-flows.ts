/**
 * Subscriptions over REST (rest-subscriptions-notifications.md §1–2): create,
 * list, get, PATCH, delete and confirm with exact statuses, headers and
 * bodies, and every error the spec lists. Defined once per owner kind and run
 * on each store: queues in subscriptions.test.ts, topics in
 * topic-subscriptions.test.ts. The cores run on a clock that never moves, so
 * every age is 0 (expiry is in subscription-expiry.test.ts).
 */
import type { ExecutionContext, TestFn } from "ava";
import { API, BODY, ERROR_HEADERS, UUID, errorText, type Api, type EdgeEnv, type WireResponse } from "./harness.ts";
import type { Store } from "./stores.ts";

/** Whose subscriptions are tested. */
export interface Owner {
  /** "/v2/queues" or "/v2/topics". */
  readonly base: string;
  /** The collection's key in a listing of owners: "queues" or "topics". */
  readonly collection: "queues" | "topics";
  /** The title of a bad owner name. */
  readonly invalidName: string;
}

export const QUEUES: Owner = { base: "/v2/queues", collection: "queues", invalidName: "Invalid queue identification" };
export const TOPICS: Owner = { base: "/v2/topics", collection: "topics", invalidName: "Invalid topic identification" };

const SCHEMES =
  "The subscriber type of subscription must be supported in the list ['http', 'https', 'mailto', 'trust+http', 'trust+https'].";
const TTL_MIN = "The TTL for a subscription must be at least 60 seconds long.";
const CONFLICT = "Such subscription already exists.Subscriptions are unique by project + queue + subscriber URI.";
const CONFLICT_PATCH = "Such subscription already exists. Subscriptions are unique by project + queue + subscriber URI.";
const NOT_BOOLEAN = "The 'confirmed' should be boolean.";
const LIMIT = "Limit must be at least 1 and may not be greater than 20.";
const HOOK = "http://127.0.0.1:9/hook";
/** A UUID4 no test ever creates. */
const UNKNOWN = "5c3e6f2f-3fd5-4b34-8d1a-1a1a1a1a1a1a";

/** How a request body reads in a test title. */
const label = (body: string | object | undefined): string =>
  body === undefined ? "without a body" : body === "" ? "with an empty body" : typeof body === "string" ? body : JSON.stringify(body);

const notFound = (id: string): string => errorText("Not found", `Subscription ${id} does not exist`);

/** A subscription as the edge renders it (Python json.dumps separators, Zaqar's key order). */
export function subscriptionText(s: {
  id: string;
  source: string;
  subscriber: string;
  ttl?: number;
  age?: number;
  options?: string;
  confirmed?: boolean;
}): string {
  return `{"id": ${JSON.stringify(s.id)}, "source": ${JSON.stringify(s.source)}, "subscriber": ${JSON.stringify(s.subscriber)}, "ttl": ${s.ttl ?? 3600}, "age": ${s.age ?? 0}, "options": ${s.options ?? "{}"}, "confirmed": ${s.confirmed ?? false}}`;
}

/** The response is a JSON body of exactly this text. */
function jsonBody(t: ExecutionContext, res: WireResponse, status: number, text: string): void {
  t.is(res.status, status, res.text);
  t.is(res.headers["content-type"], "application/json");
  t.is(res.headers["content-length"], String(Buffer.byteLength(text)));
  t.is(res.text, text);
}

/** A Zaqar error response with exactly this body and no Location. */
function failed(t: ExecutionContext, res: WireResponse, status: number, body: string): void {
  t.is(res.status, status, res.text);
  t.like(res.headers, ERROR_HEADERS);
  t.is(res.headers["location"], undefined);
  t.is(res.text, body);
}

/** A 204 with exactly this Location (or none) and no content headers. */
function noContent(t: ExecutionContext, res: WireResponse, location: string | undefined): void {
  t.is(res.status, 204, res.text);
  t.is(res.headers["location"], location);
  t.is(res.headers["content-type"], undefined);
  t.is(res.headers["content-length"], undefined);
  t.is(res.text, "");
}

export function defineSubscriptionTests(test: TestFn<unknown>, store: Store, env: EdgeEnv, owner: Owner): void {
  const { base } = owner;
  const subs = (name: string): string => `${base}/${name}/subscriptions`;
  const kind = owner.collection === "queues" ? "queue" : "topic";
  const it = (title: string, body: (t: ExecutionContext, api: Api) => Promise<void>) =>
    test(`${store}, ${kind}: ${title}`, (t) => body(t, env.api()));

  /** Creates a subscription (201) and answers its id. */
  async function create(api: Api, name: string, document: string | object): Promise<string> {
    const res = await api.post(subs(name), document);
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
    return res.json().subscription_id as string;
  }

  // --- create ----------------------------------------------------------------

  it("POST creates a subscription: 201, Location of the collection, the new id", async (t, api) => {
    const res = await api.post(subs("demo"), `{"subscriber": "${HOOK}", "ttl": 3600, "options": {"k": "v"}}`);
    const id = res.json().subscription_id as string;
    t.regex(id, UUID);
    jsonBody(t, res, 201, `{"subscription_id": "${id}"}`);
    t.is(res.headers["content-length"], "59", "as Zaqar 15's transcript");
    t.is(res.headers["location"], subs("demo"));
  });

  it("GET answers the subscription as created, byte for byte as Zaqar renders it", async (t, api) => {
    const id = await create(api, "demo", `{"subscriber": "${HOOK}", "ttl": 3600, "options": {"k": "v"}}`);
    const res = await api.get(`${subs("demo")}/${id}`);
    jsonBody(t, res, 200, subscriptionText({ id, source: "demo", subscriber: HOOK, options: '{"k": "v"}' }));
    t.is(res.headers["content-length"], "171", "as Zaqar 15's transcript");
  });

  it("POST creates the owner when absent", async (t, api) => {
    await create(api, "fresh", { subscriber: HOOK });
    const res = await api.get(base);
    t.is(res.status, 200);
    t.deepEqual(
      (res.json()[owner.collection] as Array<{ name: string }>).map((q) => q.name),
      ["fresh"],
    );
  });

  it("POST refused for its content still creates the owner, as Zaqar does (it creates it before validating)", async (t, api) => {
    failed(t, await api.post(subs("early"), { subscriber: "ftp://x" }), 400, API(SCHEMES));
    const res = await api.get(base);
    t.deepEqual(
      (res.json()[owner.collection] as Array<{ name: string }>).map((q) => q.name),
      ["early"],
    );
    jsonBody(t, await api.get(subs("early")), 200, `{"subscriptions": [], "links": []}`);
  });

  it("POST without ttl or options stores the default ttl 3600 and options {}", async (t, api) => {
    const id = await create(api, "q", { subscriber: "mailto:ops@example.com?subject=Alert" });
    jsonBody(t, await api.get(`${subs("q")}/${id}`), 200, subscriptionText({ id, source: "q", subscriber: "mailto:ops@example.com?subject=Alert" }));
  });

  it("POST with ttl null uses the default ttl", async (t, api) => {
    const id = await create(api, "q", { subscriber: HOOK, ttl: null });
    jsonBody(t, await api.get(`${subs("q")}/${id}`), 200, subscriptionText({ id, source: "q", subscriber: HOOK }));
  });

  it("POST accepts ttl 60, every subscriber scheme, and a scheme in any case, stored as given", async (t, api) => {
    const subscribers = ["https://example.com/a", "HTTP://example.com/b", "mailto:a@example.com", "trust+http://example.com/c", "Trust+HTTPS://example.com/d"];
    const ids: string[] = [];
    for (const subscriber of subscribers) ids.push(await create(api, "q", { subscriber, ttl: 60, options: {} }));
    for (const [i, id] of ids.entries()) {
      const subscriber = subscribers[i] as string;
      jsonBody(t, await api.get(`${subs("q")}/${id}`), 200, subscriptionText({ id, source: "q", subscriber, ttl: 60 }));
    }
  });

  it("POST of the same subscriber while unconfirmed answers 201 with the existing id", async (t, api) => {
    const doc = `{"subscriber": "${HOOK}", "ttl": 3600, "options": {"k": "v"}}`;
    const id = await create(api, "demo", doc);
    const again = await api.post(subs("demo"), doc);
    jsonBody(t, again, 201, `{"subscription_id": "${id}"}`);
    t.is(again.headers["location"], subs("demo"));
    t.is((await api.get(subs("demo"))).json().subscriptions.length, 1);
  });

  it("POST of the same subscriber once confirmed answers 409 with the collection's Location", async (t, api) => {
    const id = await create(api, "demo", { subscriber: HOOK });
    noContent(t, await api.put(`${subs("demo")}/${id}/confirm`, { confirmed: true }), `${subs("demo")}/${id}/confirm`);
    const res = await api.post(subs("demo"), { subscriber: HOOK, ttl: 600 });
    t.is(res.status, 409);
    t.like(res.headers, { ...ERROR_HEADERS, location: subs("demo") });
    t.is(res.text, errorText("Resource conflict", CONFLICT));
  });

  it("the same subscriber on another owner or in another project is another subscription", async (t, api) => {
    const a = await create(api, "one", { subscriber: HOOK });
    const b = await create(api, "two", { subscriber: HOOK });
    const other = env.api();
    const c = await create(other, "one", { subscriber: HOOK });
    t.is(new Set([a, b, c]).size, 3);
    failed(t, await other.get(`${subs("one")}/${a}`), 404, notFound(a));
    jsonBody(t, await other.get(subs("one")), 200, `{"subscriptions": [${subscriptionText({ id: c, source: "one", subscriber: HOOK })}], "links": [{"rel": "next", "href": "${subs("one")}?marker=${c}"}]}`);
  });

  const createFails = test.macro({
    async exec(t, body: string | object | undefined, status: number, text: string, headers: Record<string, string> = {}) {
      const res = await env.api().send({ method: "POST", path: subs("q"), headers, ...(body === undefined ? {} : { body }) });
      failed(t, res, status, text);
    },
    title: (_ = "", body: string | object | undefined, status: number, text: string) =>
      `${store}, ${kind}: POST ${label(body)} answers ${status} ${JSON.parse(text).description}`,
  });

  const MISSING = API("Missing parameter subscriber in body.");
  test(createFails, "{}", 400, MISSING);
  test(createFails, undefined, 400, MISSING);
  test(createFails, "", 400, MISSING);
  test(createFails, { ttl: 3600 }, 400, MISSING);
  test(createFails, "{", 400, BODY("Request body could not be parsed."));
  test(createFails, "[]", 400, BODY("Document type not supported."));
  test(createFails, [{ subscriber: HOOK }], 400, BODY("Document type not supported."));
  for (const subscriber of ["fake", "email://x", "ftp://x", "", 42, null, ["http://x"]]) {
    test(createFails, { subscriber }, 400, API(SCHEMES));
  }
  for (const options of ["x", 1, ["a"], true]) test(createFails, { subscriber: HOOK, options }, 400, API("Options must be a dict."));
  for (const ttl of ["x", "3600", 1.5]) test(createFails, { subscriber: HOOK, ttl }, 400, API("TTL must be an integer."));
  for (const ttl of [59, -1, 0]) test(createFails, { subscriber: HOOK, ttl }, 400, API(TTL_MIN));
  test(
    createFails,
    { subscriber: HOOK, ttl: 10 ** 12 },
    400,
    API("The TTL seconds for a subscription plus current time must be less than 9999-12-31 23:59:59.999999."),
  );
  const policy = (p: unknown) => ({ subscriber: HOOK, options: { _retry_policy: p } });
  test(createFails, policy("x"), 400, API("retry_policy must be a dict."));
  test(createFails, policy({ retries_with_no_delay: "3" }), 400, API("Retry policy: retries_with_no_delay must be a integer."));
  test(createFails, policy({ maximum_delay: 1.5 }), 400, API("Retry policy: maximum_delay must be a integer."));
  test(createFails, policy({ retry_backoff_function: 1 }), 400, API("retry_backoff_function must be a string."));
  test(createFails, policy({ retry_backoff_function: "cubic" }), 400, API("invalid retry_backoff_function."));
  test(createFails, policy({ ignore_subscription_override: "yes" }), 400, API("ignore_subscription_override must be a boolean."));
  test(createFails, policy({ minimum_delay: 40 }), 400, API("minimum_delay must less than maximum_delay."));
  test(createFails, policy({ minimum_delay: 25, maximum_delay: 30 }), 400, API("invalid minimum_delay and maximum_delay."));

  it("POST with Content-Length 0 or an empty chunked body is an empty document", async (t, api) => {
    failed(t, await api.send({ method: "POST", path: subs("q"), headers: { "Content-Length": "0" } }), 400, MISSING);
    failed(t, await api.send({ method: "POST", path: subs("q"), body: "", chunked: true }), 400, MISSING);
  });

  it("POST accepts a valid retry policy, and {} as one", async (t, api) => {
    const options = '{"_retry_policy": {"retries_with_no_delay": 1, "minimum_delay": 5, "maximum_delay": 15, "retry_backoff_function": "geometric", "ignore_subscription_override": true}}';
    const a = await create(api, "q", `{"subscriber": "${HOOK}", "options": ${options}}`);
    jsonBody(t, await api.get(`${subs("q")}/${a}`), 200, subscriptionText({ id: a, source: "q", subscriber: HOOK, options }));
    const b = await create(api, "q", `{"subscriber": "https://example.com/x", "options": {"_retry_policy": {}}}`);
    jsonBody(t, await api.get(`${subs("q")}/${b}`), 200, subscriptionText({ id: b, source: "q", subscriber: "https://example.com/x", options: '{"_retry_policy": {}}' }));
  });

  it("POST on a malformed owner name answers 400", async (t, api) => {
    const res = await api.post(`${base}/bad%20name!/subscriptions`, { subscriber: HOOK });
    failed(t, res, 400, errorText(owner.invalidName, `The format of the submitted ${kind} name or project id is not valid.`));
  });

  // --- list ------------------------------------------------------------------

  it("GET on the collection of an unknown owner answers an empty page", async (t, api) => {
    jsonBody(t, await api.get(subs("nothere")), 200, `{"subscriptions": [], "links": []}`);
  });

  it("GET on the collection lists the subscriptions by id with a next link", async (t, api) => {
    const made = [
      [await create(api, "demo", `{"subscriber": "mailto:ops@example.com", "ttl": 3600, "options": {"from": "zaqar@example.com", "subject": "hi"}}`), "mailto:ops@example.com", '{"from": "zaqar@example.com", "subject": "hi"}'],
      [await create(api, "demo", `{"subscriber": "${HOOK}", "ttl": 120, "options": {"k": "v"}}`), HOOK, '{"k": "v"}'],
    ] as const;
    const sorted = [...made].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const items = sorted.map(([id, subscriber, options]) => subscriptionText({ id, source: "demo", subscriber, options, ttl: subscriber === HOOK ? 120 : 3600 }));
    const last = (sorted[1] as (typeof made)[number])[0];
    jsonBody(t, await api.get(subs("demo")), 200, `{"subscriptions": [${items.join(", ")}], "links": [{"rel": "next", "href": "${subs("demo")}?marker=${last}"}]}`);
  });

  it("GET on the collection pages with limit and marker; the link repeats the given parameters in Zaqar's reading order (marker, limit)", async (t, api) => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await create(api, "q", { subscriber: `${HOOK}/${i}` }));
    const byId = new Map(ids.map((id, i) => [id, `${HOOK}/${i}`]));
    ids.sort();
    const item = (id: string) => subscriptionText({ id, source: "q", subscriber: byId.get(id) as string });

    const first = await api.get(`${subs("q")}?limit=2`);
    jsonBody(t, first, 200, `{"subscriptions": [${item(ids[0]!)}, ${item(ids[1]!)}], "links": [{"rel": "next", "href": "${subs("q")}?limit=2&marker=${ids[1]}"}]}`);
    const second = await api.get(first.json().links[0].href);
    jsonBody(t, second, 200, `{"subscriptions": [${item(ids[2]!)}, ${item(ids[3]!)}], "links": [{"rel": "next", "href": "${subs("q")}?marker=${ids[3]}&limit=2"}]}`);
    const third = await api.get(second.json().links[0].href);
    jsonBody(t, third, 200, `{"subscriptions": [${item(ids[4]!)}], "links": [{"rel": "next", "href": "${subs("q")}?marker=${ids[4]}&limit=2"}]}`);
    jsonBody(t, await api.get(third.json().links[0].href), 200, `{"subscriptions": [], "links": []}`);
    const markerOnly = await api.get(`${subs("q")}?marker=${ids[2]}`);
    jsonBody(t, markerOnly, 200, `{"subscriptions": [${item(ids[3]!)}, ${item(ids[4]!)}], "links": [{"rel": "next", "href": "${subs("q")}?marker=${ids[4]}"}]}`);
  });

  it("GET on the collection answers 10 subscriptions by default and up to 20", async (t, api) => {
    for (let i = 0; i < 21; i++) await create(api, "q", { subscriber: `${HOOK}/${i}` });
    t.is((await api.get(subs("q"))).json().subscriptions.length, 10);
    t.is((await api.get(`${subs("q")}?limit=20`)).json().subscriptions.length, 20);
  });

  for (const limit of ["0", "21", "-1"]) {
    it(`GET on the collection with limit=${limit} answers 400`, async (t, api) => {
      failed(t, await api.get(`${subs("q")}?limit=${limit}`), 400, API(LIMIT));
    });
  }

  it("GET on the collection with a non-integer limit answers Falcon's 400", async (t, api) => {
    failed(t, await api.get(`${subs("q")}?limit=ten`), 400, errorText("Invalid parameter", 'The "limit" parameter is invalid. The value must be an integer.'));
  });

  // --- get -------------------------------------------------------------------

  it("GET of an unknown subscription answers 404", async (t, api) => {
    await create(api, "q", { subscriber: HOOK });
    failed(t, await api.get(`${subs("q")}/${UNKNOWN}`), 404, notFound(UNKNOWN));
    failed(t, await api.get(`${subs("nothere")}/not-an-id`), 404, notFound("not-an-id"));
  });

  // --- PATCH -----------------------------------------------------------------

  it("PATCH changes ttl and replaces options: 204 with the request path as Location", async (t, api) => {
    const id = await create(api, "demo", `{"subscriber": "${HOOK}", "ttl": 3600, "options": {"k": "v", "other": 1}}`);
    const path = `${subs("demo")}/${id}`;
    noContent(t, await api.patch(path, `{"ttl": 7200, "options": {"k": "v2"}}`), path);
    jsonBody(t, await api.get(path), 200, subscriptionText({ id, source: "demo", subscriber: HOOK, ttl: 7200, options: '{"k": "v2"}' }));
  });

  it("PATCH changes the subscriber and ignores other keys", async (t, api) => {
    const id = await create(api, "q", { subscriber: HOOK });
    const path = `${subs("q")}/${id}`;
    noContent(t, await api.patch(path, { subscriber: "mailto:ops@example.com", confirmed: true, source: "x" }), path);
    jsonBody(t, await api.get(path), 200, subscriptionText({ id, source: "q", subscriber: "mailto:ops@example.com" }));
  });

  it("PATCH to a subscriber already used on the owner answers 409 and changes nothing", async (t, api) => {
    await create(api, "q", { subscriber: HOOK });
    const id = await create(api, "q", { subscriber: "mailto:a@example.com" });
    failed(t, await api.patch(`${subs("q")}/${id}`, { subscriber: HOOK }), 409, errorText("Resource conflict", CONFLICT_PATCH));
    t.is((await api.get(`${subs("q")}/${id}`)).json().subscriber, "mailto:a@example.com");
  });

  it("PATCH of an unknown subscription answers 404", async (t, api) => {
    await create(api, "q", { subscriber: HOOK });
    failed(t, await api.patch(`${subs("q")}/${UNKNOWN}`, { ttl: 600 }), 404, notFound(UNKNOWN));
  });

  it("PATCH with an empty document or none answers 400 No subscription to create.", async (t, api) => {
    const id = await create(api, "q", { subscriber: HOOK });
    const path = `${subs("q")}/${id}`;
    const empty = API("No subscription to create.");
    failed(t, await api.patch(path, {}), 400, empty);
    failed(t, await api.patch(path), 400, empty);
    failed(t, await api.patch(path, ""), 400, empty);
  });

  it("PATCH with none of subscriber, ttl and options answers 400 Unable to update subscription", async (t, api) => {
    const id = await create(api, "q", { subscriber: HOOK });
    failed(t, await api.patch(`${subs("q")}/${id}`, { confirmed: true }), 400, errorText("Unable to update subscription", `Subscription ${id} could not be updated.`));
  });

  it("PATCH validates like create and changes nothing on failure", async (t, api) => {
    const id = await create(api, "q", `{"subscriber": "${HOOK}", "ttl": 600, "options": {"k": "v"}}`);
    const path = `${subs("q")}/${id}`;
    failed(t, await api.patch(path, { subscriber: "ftp://x" }), 400, API(SCHEMES));
    failed(t, await api.patch(path, { ttl: 59 }), 400, API(TTL_MIN));
    failed(t, await api.patch(path, { ttl: "x" }), 400, API("TTL must be an integer."));
    failed(t, await api.patch(path, { options: "x" }), 400, API("Options must be a dict."));
    failed(t, await api.patch(path, { options: { _retry_policy: { retry_backoff_function: "cubic" } } }), 400, API("invalid retry_backoff_function."));
    failed(t, await api.patch(path, "{"), 400, BODY("Request body could not be parsed."));
    jsonBody(t, await api.get(path), 200, subscriptionText({ id, source: "q", subscriber: HOOK, ttl: 600, options: '{"k": "v"}' }));
  });

  // --- delete ----------------------------------------------------------------

  it("DELETE removes the subscription: 204, then GET answers 404", async (t, api) => {
    const id = await create(api, "q", { subscriber: HOOK });
    noContent(t, await api.delete(`${subs("q")}/${id}`), undefined);
    failed(t, await api.get(`${subs("q")}/${id}`), 404, notFound(id));
    jsonBody(t, await api.get(subs("q")), 200, `{"subscriptions": [], "links": []}`);
  });

  it("DELETE of an unknown subscription answers 204", async (t, api) => {
    noContent(t, await api.delete(`${subs("q")}/${UNKNOWN}`), undefined);
    noContent(t, await api.delete(`${subs("nothere")}/not-an-id`), undefined);
  });

  it("deleting the owner deletes its subscriptions", async (t, api) => {
    const id = await create(api, "q", { subscriber: HOOK });
    t.is((await api.delete(`${base}/q`)).status, 204);
    jsonBody(t, await api.get(subs("q")), 200, `{"subscriptions": [], "links": []}`);
    failed(t, await api.get(`${subs("q")}/${id}`), 404, notFound(id));
  });

  it("purging subscriptions deletes all of them, past the first page", async (t, api) => {
    for (let i = 0; i < 12; i++) await create(api, "q", { subscriber: `${HOOK}/${i}` });
    noContent(t, await api.post(`${base}/q/purge`, { resource_types: ["subscriptions"] }), undefined);
    jsonBody(t, await api.get(subs("q")), 200, `{"subscriptions": [], "links": []}`);
  });

  // --- confirm ---------------------------------------------------------------

  it("PUT confirm sets and unsets the flag: 204 with the request path as Location", async (t, api) => {
    const id = await create(api, "demo", { subscriber: HOOK });
    const path = `${subs("demo")}/${id}`;
    noContent(t, await api.put(`${path}/confirm`, { confirmed: true }), `${path}/confirm`);
    jsonBody(t, await api.get(path), 200, subscriptionText({ id, source: "demo", subscriber: HOOK, confirmed: true }));
    noContent(t, await api.put(`${path}/confirm`, { confirmed: false }), `${path}/confirm`);
    jsonBody(t, await api.get(path), 200, subscriptionText({ id, source: "demo", subscriber: HOOK, confirmed: false }));
  });

  it("PUT confirm without a boolean confirmed answers 400", async (t, api) => {
    const id = await create(api, "q", { subscriber: HOOK });
    const path = `${subs("q")}/${id}/confirm`;
    for (const body of [{ confirmed: "true" }, { confirmed: 1 }, { confirmed: null }, {}, "", undefined]) {
      failed(t, await api.put(path, body), 400, API(NOT_BOOLEAN));
    }
    failed(t, await api.put(path, "{"), 400, BODY("Request body could not be parsed."));
    t.false((await api.get(`${subs("q")}/${id}`)).json().confirmed);
  });

  it("PUT confirm of an unknown subscription answers 404", async (t, api) => {
    await create(api, "q", { subscriber: HOOK });
    failed(t, await api.put(`${subs("q")}/${UNKNOWN}/confirm`, { confirmed: true }), 404, notFound(UNKNOWN));
  });

  // --- methods ---------------------------------------------------------------

  const methods = test.macro({
    async exec(t, method: string, path: string, status: number, allow: string) {
      const res = await env.api().send({ method, path, ...(method === "POST" ? { body: { confirmed: true } } : {}) });
      t.is(res.status, status);
      t.is(res.headers["allow"], allow);
      if (status === 405) {
        t.like(res.headers, ERROR_HEADERS);
        t.is(res.text, method === "HEAD" ? "" : '{"title": "405 Method Not Allowed"}');
      } else t.is(res.text, "");
    },
    title: (_ = "", method: string, path: string, status: number, allow: string) => `${store}, ${kind}: ${method} ${path} answers ${status} with allow: ${allow}`,
  });
  test(methods, "POST", `${subs("q")}/${UNKNOWN}/confirm`, 405, "PUT, OPTIONS");
  test(methods, "GET", `${subs("q")}/${UNKNOWN}/confirm`, 405, "PUT, OPTIONS");
  test(methods, "PUT", subs("q"), 405, "GET, POST, OPTIONS");
  test(methods, "POST", `${subs("q")}/${UNKNOWN}`, 405, "DELETE, GET, PATCH, OPTIONS");
  test(methods, "OPTIONS", subs("q"), 200, "GET, POST");
  test(methods, "OPTIONS", `${subs("q")}/${UNKNOWN}`, 200, "DELETE, GET, PATCH");
  test(methods, "OPTIONS", `${subs("q")}/${UNKNOWN}/confirm`, 200, "PUT");

  it("the request hooks run on subscription routes", async (t, api) => {
    failed(t, await api.post(subs("q"), { subscriber: HOOK }, { "Client-ID": undefined }), 400, errorText("Missing header value", 'The "Client-ID" header is required.'));
    failed(t, await api.get(subs("q"), { "X-Project-ID": undefined }), 400, errorText("Project-Id Missing", "The header X-PROJECT-ID was missing"));
    t.is((await api.get(subs("q"))).json().subscriptions.length, 0, "nothing was created");
  });
}
