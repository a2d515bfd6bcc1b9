/**
 * The webhook receivers of the notification scenario: a bare node:http
 * server that answers every POST with 200 and counts what it got. The ten
 * subscriptions use ten paths of it (subscribers are unique by URI).
 *
 *   POST /hook/<i>   → 200, counted (body read and dropped)
 *   GET  /__stats    → {"count", "bytes", "firstAt", "lastAt"} (epoch ms, sub-ms precision)
 *   POST /__reset    → zeroes the counters
 *
 * Usage: node --import tsx bench/webhook-sink.ts <port>
 */
import { createServer } from "node:http";

const port = Number(process.argv[2] ?? 0);
const now = () => performance.timeOrigin + performance.now();
let count = 0;
let bytes = 0;
let firstAt = 0;
let lastAt = 0;

const server = createServer((req, res) => {
  let size = 0;
  req.on("data", (chunk: Buffer) => (size += chunk.length));
  req.on("end", () => {
    if (req.url === "/__stats") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ count, bytes, firstAt, lastAt }));
    } else if (req.url === "/__reset") {
      count = bytes = firstAt = lastAt = 0;
      res.writeHead(204).end();
    } else {
      count++;
      bytes += size;
      lastAt = now();
      if (firstAt === 0) firstAt = lastAt;
      res.writeHead(200, { "Content-Length": "0" }).end();
    }
  });
});

server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
