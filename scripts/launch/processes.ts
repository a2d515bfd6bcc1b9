/**
 * The processes `npm start` runs, in start order. The launcher starts each one,
 * waits until every endpoint it lists accepts TCP connections, then starts the
 * next; it stops them in reverse order.
 *
 * To add a process, append an entry: its main file, where it
 * listens (read with the process's own config parser, so defaults and validation
 * live in one place), and any environment it derives from the others.
 */
import { readCoreConfig } from "../../core/src/config.ts";
import { readRestEdgeConfig } from "../../edge-rest/src/config.ts";
import { readNotifierConfig } from "../../notifier/src/config.ts";
import { readWsEdgeConfig } from "../../edge-ws/src/config.ts";
import { dialHost } from "./ports.ts";

export interface Endpoint {
  /** Shown in the summary, e.g. "REST API". */
  readonly label: string;
  readonly host: string;
  readonly port: number;
  /** How a caller addresses it, e.g. "http://127.0.0.1:8888". */
  readonly address: string;
}

export interface ProcessSpec {
  /** Also the pino logger name of the process. */
  readonly name: string;
  /** Entry file relative to the repository root, run as `node --import tsx <main>`. */
  readonly main: string;
  /**
   * Environment added on top of the launcher's own (which is passed through whole).
   * Only sets variables the user left unset.
   */
  env(env: NodeJS.ProcessEnv): Record<string, string>;
  /** Where the process listens under `env` (its config parser throws on bad settings). */
  endpoints(env: NodeJS.ProcessEnv): Endpoint[];
}

const hostPort = (host: string, port: number): string => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);

export const core: ProcessSpec = {
  name: "core",
  main: "core/src/main.ts",
  env: () => ({}),
  endpoints(env) {
    const config = readCoreConfig(env);
    const { host, port } = config.grpcListen;
    const endpoints: Endpoint[] = [{ label: "core gRPC", host, port, address: hostPort(dialHost(host), port) }];
    if (config.connectListen) {
      const c = config.connectListen;
      const scheme = config.coreAuth?.tls ? "https" : "http";
      endpoints.push({ label: "core Connect/gRPC-Web", host: c.host, port: c.port, address: `${scheme}://${hostPort(dialHost(c.host), c.port)}` });
    }
    return endpoints;
  },
};

/** A client of the core follows it wherever ZAQAR_CORE_LISTEN put it, unless told otherwise. */
function followCore(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env["ZAQAR_CORE_URL"] !== undefined) return {};
  const { host, port } = readCoreConfig(env).grpcListen;
  return { ZAQAR_CORE_URL: hostPort(dialHost(host), port) };
}

export const edgeRest: ProcessSpec = {
  name: "edge-rest",
  main: "edge-rest/src/main.ts",
  env: followCore,
  endpoints(env) {
    const { host, port } = readRestEdgeConfig(env).listen;
    return [{ label: "REST API", host, port, address: `http://${hostPort(dialHost(host), port)}` }];
  },
};

export const notifier: ProcessSpec = {
  name: "notifier",
  main: "notifier/src/main.ts",
  env: followCore,
  // It serves no API; its health check is what the launcher waits for (none when set to "off").
  endpoints(env) {
    const listen = readNotifierConfig(env).healthListen;
    if (!listen) return [];
    const { host, port } = listen;
    return [{ label: "notifier health", host, port, address: `http://${hostPort(dialHost(host), port)}/health` }];
  },
};

export const edgeWs: ProcessSpec = {
  name: "edge-ws",
  main: "edge-ws/src/main.ts",
  env: followCore,
  endpoints(env) {
    const { host, port } = readWsEdgeConfig(env).listen;
    return [{ label: "WebSocket API", host, port, address: `ws://${hostPort(dialHost(host), port)}/` }];
  },
};

/** Everything `npm start` runs. */
export const allProcesses: readonly ProcessSpec[] = [core, edgeRest, edgeWs, notifier];
