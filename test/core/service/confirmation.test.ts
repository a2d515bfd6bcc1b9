/**
 * Confirmation pieces: the signed-URL signature (signed-urls.md §2 test
 * vector), Python-style JSON, the email template format, the configuration;
 * then the confirmation flows on the memory store (confirmation-flows.ts).
 */
import test from "ava";
import { DEFAULT_EMAIL_SENDER, readCoreConfig } from "../../../core/src/config.ts";
import { confirmationFacts, factsExpiry, formatTemplate } from "../../../core/src/service/confirmation.ts";
import { pyDumps, pyString } from "../../../core/src/service/py-json.ts";
import { formatExpires, urlSignature } from "../../../common/signed-url.ts";
import { confirmationSuite } from "./confirmation-flows.ts";

test("the signature matches the upstream test vector (a literal backslash-n separator)", (t) => {
  const facts = { paths: ["/v2/queues/shared/messages"], methods: ["GET"], project: "p1", expires: "2030-01-01T00:00:00" };
  t.is(urlSignature("test", facts), "da857fd0daebb7fa44f8dc622a1d32fcb23c2d32292b35f97bf32e361908152f");
});

test("the signature sorts paths and methods", (t) => {
  const a = urlSignature("k", { paths: ["/b", "/a"], methods: ["PUT", "GET"], project: "p", expires: "2030-01-01T00:00:00" });
  const b = urlSignature("k", { paths: ["/a", "/b"], methods: ["GET", "PUT"], project: "p", expires: "2030-01-01T00:00:00" });
  t.is(a, b);
});

test("expiries are UTC seconds without a zone", (t) => {
  t.is(formatExpires(Date.UTC(2023, 6, 6, 4, 35, 56, 999)), "2023-07-06T04:35:56");
  const facts = confirmationFacts(Date.UTC(2030, 0, 1, 0, 0, 0, 700), 3600);
  t.is(facts, '{"expires":"2030-01-01T01:00:00"}');
  t.is(factsExpiry(facts), "2030-01-01T01:00:00");
  for (const bad of [undefined, "", "{", '{"expires": 5}', '{"expires": "tomorrow"}', "[]"]) t.is(factsExpiry(bad), null, String(bad));
});

test("JSON is written as Python's json.dumps writes it", (t) => {
  t.is(pyDumps({ a: [1, true, null], "b c": { d: "e" } }), '{"a": [1, true, null], "b c": {"d": "e"}}');
  t.is(pyString('q"\\\n\t\u0001é😀\u007f'), '"q\\"\\\\\\n\\t\\u0001\\u00e9\\ud83d\\ude00\\u007f"');
});

test("email templates take positional fields and doubled braces", (t) => {
  t.is(formatTemplate("{0}/{1}: {2} {{x}} {3}", ["q", "p", "link"]), "q/p: link {x} {3}");
});

test("confirmation settings have upstream's defaults and are checked", (t) => {
  const n = readCoreConfig({}).notification;
  t.false(n.requireConfirmation);
  t.is(n.signedUrlSecretKey, null);
  t.is(n.externalConfirmationUrl, null);
  t.is(n.subscriptionConfirmationEmail.sender, DEFAULT_EMAIL_SENDER);
  t.is(n.unsubscribeConfirmationEmail.topic, "Zaqar Notification - Unsubscribe Confirmation");
  t.is(readCoreConfig({}).limits.defaultSubscriptionTtl, 3600);
  const err = t.throws(() =>
    readCoreConfig({ ZAQAR_REQUIRE_CONFIRMATION: "yes", ZAQAR_EXTERNAL_CONFIRMATION_URL: "ftp://x", ZAQAR_DEFAULT_SUBSCRIPTION_TTL: "30" }),
  );
  t.regex(err?.message ?? "", /ZAQAR_DEFAULT_SUBSCRIPTION_TTL must be at least 60/);
  t.regex(err?.message ?? "", /ZAQAR_REQUIRE_CONFIRMATION must be "true" or "false"/);
  t.regex(err?.message ?? "", /ZAQAR_EXTERNAL_CONFIRMATION_URL must be an http/);
});

confirmationSuite({ store: "memory" });
