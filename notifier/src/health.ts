/**
 * The notifier's health check: a tiny HTTP server answering GET /health with
 * the worker's counters as JSON, 200 while the core answers LeaseJobs and 503
 * (with the last error) while it does not. It listens so that `npm start`
 * can tell the notifier is up, and so operators can watch it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { HostPort } from "./config.ts";
import type { WorkerStats } from "./worker.ts";

export interface HealthServer {
  readonly address: HostPort;
  close(): Promise<void>;
}

export async function startHealthServer(listen: HostPort, stats: () => WorkerStats & { readonly stopping: boolean }): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/health" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "Content-Type": "application/json" }).end('{"error": "not found"}');
      return;
    }
    const s = stats();
    const ok = s.coreReachable && !s.stopping;
    const body = JSON.stringify({ status: ok ? "ok" : s.stopping ? "stopping" : "core unreachable", ...s });
    res.writeHead(ok ? 200 : 503, { "Content-Type": "application/json", "Cache-Control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  return {
    address: { host: a.address, port: a.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
