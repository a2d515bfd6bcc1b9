/**
 * Wire-test harness for the REST edge: a real core (memory store, in process)
 * and the real edge on port 0, driven over raw TCP so that every byte of the
 * request is under the test's control (no Content-Length, HEAD, exact Accept,
 * form bodies) and every response header is visible.
 */
import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import type { TestFn } from "ava";
import { pino } from "pino";
import type { AuthConfig } from "../../common/auth/config.ts";
import { createRestEdge, type RestEdge } from "../../edge-rest/src/app.ts";
import { startCore, type TestCore, type TestCoreOptions } from "../helpers/core.ts";

export const CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c";
export const OTHER_CLIENT_ID = "5c4e2f6a-1c1d-4f6e-9a34-d1c4a6f0b0a1";

export interface WireResponse {
  readonly status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly bytes: Buffer;
  json(): any;
}

export interface WireRequest {
  readonly method: string;
  readonly path: string;
  /** Extra headers; `undefined` values remove a default (Client-ID, X-Project-ID). */
  readonly headers?: Record<string, string | undefined>;
  /** Body; an object is sent as its JSON text. */
  readonly body?: string | Buffer | object;
  /** Send the body chunked (no Content-Length). */
  readonly chunked?: boolean;
}

/** Sends one request on its own connection (Connection: close) and reads the whole answer. */
export function rawRequest(port: number, request: string | Buffer): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("end", () => {
      socket.destroy();
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      if (split < 0) return reject(new Error(`no HTTP response: ${JSON.stringify(all.toString())}`));
      const [statusLine, ...lines] = all.subarray(0, split).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      const bytes = all.subarray(split + 4);
      const text = bytes.toString("utf8");
      resolve({ status: Number(statusLine?.split(" ")[1]), headers, text, bytes, json: () => JSON.parse(text) });
    });
    // No half-close: Node's server aborts a request whose client ends its side.
    socket.write(request);
  });
}

export class Api {
  constructor(
    readonly port: number,
    /** X-Project-ID sent by default: a fresh random project, so tests can run concurrently. */
    readonly project: string = `p-${randomUUID()}`,
    readonly clientId: string = CLIENT_ID,
  ) {}

  /** The same project, seen by another client. */
  as(clientId: string): Api {
    return new Api(this.port, this.project, clientId);
  }

  send(req: WireRequest): Promise<WireResponse> {
    const headers: Record<string, string | undefined> = {
      Host: `127.0.0.1:${this.port}`,
      "Client-ID": this.clientId,
      "X-Project-ID": this.project,
      ...req.headers,
      Connection: "close",
    };
    let body: Buffer | undefined;
    if (req.body !== undefined) {
      body = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.from(typeof req.body === "string" ? req.body : JSON.stringify(req.body), "utf8");
      if (req.chunked) headers["Transfer-Encoding"] = "chunked";
      else if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) {
        headers["Content-Length"] = String(body.length);
      }
    }
    let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) head += `${name}: ${value}\r\n`;
    head += "\r\n";
    const parts: Buffer[] = [Buffer.from(head, "utf8")];
    if (body !== undefined) {
      if (req.chunked) {
        if (body.length > 0) parts.push(Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n"));
        parts.push(Buffer.from("0\r\n\r\n"));
      } else parts.push(body);
    }
    return rawRequest(this.port, Buffer.concat(parts));
  }

  get(path: string, headers?: Record<string, string | undefined>): Promise<WireResponse> {
    return this.send({ method: "GET", path, ...(headers ? { headers } : {}) });
  }
  delete(path: string, headers?: Record<string, string | undefined>): Promise<WireResponse> {
    return this.send({ method: "DELETE", path, ...(headers ? { headers } : {}) });
  }
  put(path: string, body?: WireRequest["body"], headers?: Record<string, string | undefined>): Promise<WireResponse> {
    return this.send({ method: "PUT", path, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) });
  }
  post(path: string, body?: WireRequest["body"], headers?: Record<string, string | undefined>): Promise<WireResponse> {
    return this.send({ method: "POST", path, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) });
  }
  patch(path: string, body?: WireRequest["body"], headers?: Record<string, string | undefined>): Promise<WireResponse> {
    return this.send({ method: "PATCH", path, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) });
  }

  /** Posts messages and answers their ids. */
  async postMessages(queue: string, messages: unknown[]): Promise<string[]> {
    const res = await this.post(`/v2/queues/${queue}/messages`, { messages });
    if (res.status !== 201) throw new Error(`post failed: ${res.status} ${res.text}`);
    return (res.json().resources as string[]).map((href) => href.slice(href.lastIndexOf("/") + 1));
  }

  /** Claims messages and answers the claim id and the body. */
  async claim(queue: string, body: object = { ttl: 300, grace: 60 }, query = ""): Promise<{ id: string; messages: any[] }> {
    const res = await this.post(`/v2/queues/${queue}/claims${query}`, body);
    if (res.status !== 201) throw new Error(`claim failed: ${res.status} ${res.text}`);
    const location = res.headers["location"] as string;
    return { id: location.slice(location.lastIndexOf("/") + 1), messages: res.json().messages };
  }
}

export interface EdgeEnv {
  port: number;
  core: TestCore | undefined;
  edge: RestEdge | undefined;
  /** A client on a fresh random project. */
  api(): Api;
}

export interface EdgeOptions {
  adminMode?: boolean;
  /** ZAQAR_POOLING (pools and flavors, with adminMode). */
  pooling?: boolean;
  core?: TestCoreOptions;
  /** Point the edge at this address instead of starting a core (e.g. a dead port). */
  coreUrl?: string;
  /** How the edge authenticates (default: no auth, no signed-URL secret); a function is read when the edge starts. */
  auth?: AuthConfig | (() => AuthConfig);
}

/** Starts a core and an edge before the file's tests and stops them after. */
export function useEdge(test: TestFn<unknown>, options: EdgeOptions = {}): EdgeEnv {
  const env: EdgeEnv = {
    port: 0,
    core: undefined,
    edge: undefined,
    api: () => new Api(env.port),
  };
  test.before(async () => {
    env.core = options.coreUrl === undefined ? await startCore(options.core ?? {}) : undefined;
    env.edge = createRestEdge(
      {
        listen: { host: "127.0.0.1", port: 0 },
        coreUrl: options.coreUrl ?? (env.core as TestCore).grpcAddress,
        adminMode: options.adminMode ?? false,
        pooling: options.pooling ?? false,
        logLevel: "silent",
        auth: (typeof options.auth === "function" ? options.auth() : options.auth) ?? { strategy: "none", signedUrlSecret: undefined },
      },
      { log: pino({ level: process.env["ZAQAR_TEST_LOG_LEVEL"] ?? "silent" }) },
    );
    env.port = (await env.edge.listen()).port;
  });
  test.after.always(async () => {
    await env.edge?.close();
    await env.core?.close();
  });
  return env;
}

/** A fresh random queue name. */
export const queueName = (): string => `q-${randomUUID().slice(0, 8)}`;

/** The headers every Zaqar error response carries. */
export const ERROR_HEADERS = { "content-type": "application/json", vary: "Accept" } as const;

/** A Zaqar error body as the edge writes it. */
export const errorText = (title: string, description: string): string =>
  `{"title": ${JSON.stringify(title)}, "description": ${JSON.stringify(description)}}`;
export const API = (d: string): string => errorText("Invalid API request", d);
export const BODY = (d: string): string => errorText("Invalid request body", d);
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
