/**
 * The edge ceiling: a bare node:http server answering the bench's REST
 * requests with the same statuses, headers and body shapes as the Zaqar v2
 * API, but with no core, no storage and no validation (the request body is
 * read and dropped, not parsed). Whatever the REST edge reaches is measured
 * against what Node's HTTP stack alone reaches on the same machine.
 *
 *   POST   /v2/queues/{q}/messages             → 201, Location ?ids=, {"resources": [10 hrefs]}
 *   POST   /v2/queues/{q}/claims?limit=N       → 201, Location claims/{cid}, 10 fake 1 KiB messages
 *   DELETE /v2/queues/{q}/messages/{id}?...    → 204
 *
 * Usage: node --import tsx bench/bare-server.ts <port>
 */
import { createServer } from "node:http";
import { CLAIM_LIMIT, MESSAGES_PER_POST, MESSAGE_TTL, messageBody } from "./payload.ts";

const port = Number(process.argv[2] ?? 0);
const BODY = messageBody(0);
let seq = 0;
const nextId = () => (++seq).toString(16).padStart(24, "0");

const server = createServer((req, res) => {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const parts = path.split("/"); // ["", "v2", "queues", q, kind, id?]
  req.resume();
  req.on("end", () => {
    const queue = parts[3];
    const base = `/v2/queues/${queue}`;
    if (req.method === "POST" && parts.length === 5 && parts[4] === "messages") {
      const ids = Array.from({ length: MESSAGES_PER_POST }, nextId);
      const body = JSON.stringify({ resources: ids.map((id) => `${base}/messages/${id}`) });
      res.writeHead(201, { "Content-Type": "application/json", Location: `${base}/messages?ids=${ids.join(",")}` });
      res.end(body);
    } else if (req.method === "POST" && parts.length === 5 && parts[4] === "claims") {
      const cid = nextId();
      const messages = Array.from({ length: CLAIM_LIMIT }, () => {
        const id = nextId();
        return `{"id":"${id}","href":"${base}/messages/${id}?claim_id=${cid}","ttl":${MESSAGE_TTL},"age":1,"body":${BODY}}`;
      });
      res.writeHead(201, { "Content-Type": "application/json", Location: `${base}/claims/${cid}` });
      res.end(`{"messages":[${messages.join(",")}]}`);
    } else if (req.method === "DELETE" && parts.length === 6 && parts[4] === "messages") {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404, { "Content-Type": "application/json" });
      res.end('{"title":"Not found","description":""}');
    }
  });
});

server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
