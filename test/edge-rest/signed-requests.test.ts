/**
 * Signed requests on the REST edge without Keystone (Zaqar's default auth):
 * the signature hook still runs first whenever URL-Signature is present
 * (spec README §1), so a bad signature is Falcon's 404 and a good one runs
 * as the X-Project-ID it was signed for.
 */
import test from "ava";
import { formatExpires, urlSignature } from "../../common/signed-url.ts";
import { useEdge } from "./harness.ts";

const SECRET = "rest-none-mode-secret";
const env = useEdge(test, { auth: { strategy: "none", signedUrlSecret: SECRET } });

test("a signed request runs as its project; a tampered, expired or unsigned-path one is 404", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/sig");
  const expires = formatExpires(Date.now() + 60_000);
  const paths = ["/v2/queues/sig/messages"];
  const signature = urlSignature(SECRET, { paths, methods: ["POST", "GET"], project: api.project, expires });
  const headers = (extra: Record<string, string> = {}) => ({
    "URL-Signature": signature,
    "URL-Expires": expires,
    "URL-Methods": "GET,POST",
    "URL-Paths": paths.join(","),
    ...extra,
  });
  t.is((await api.post("/v2/queues/sig/messages", { messages: [{ body: 1 }] }, headers())).status, 201);
  for (const bad of [
    headers({ "URL-Signature": "0".repeat(64) }),
    headers({ "URL-Expires": "2000-01-01T00:00:00" }),
    headers({ "URL-Signature": "" }),
  ]) {
    const res = await api.get("/v2/queues/sig/messages", bad);
    t.is(res.status, 404);
    t.deepEqual(res.json(), { title: "404 Not Found" });
  }
  t.is((await api.get("/v2/queues/sig/stats", headers())).status, 404);
  // Without any URL-* header the request is an ordinary one.
  t.is((await api.get("/v2/queues/sig/stats")).status, 200);
});
