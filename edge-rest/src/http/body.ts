/**
 * Reads a request body as the raw bytes the client sent. The core parses and
 * judges them (JSON validity, size limits), so the edge never looks inside.
 */
import type { IncomingMessage } from "node:http";

/**
 * Safety net far above the core's limits (messages 256 KiB, metadata 64 KiB).
 * Past it the edge keeps only the first MAX_BODY_BYTES + 1 bytes and drains
 * the rest: the core still sees a body longer than any limit it enforces and
 * answers its own Zaqar error for that route ("Message collection size is too
 * large...", "Queue metadata is too large...", or "Request body could not be
 * parsed." where Zaqar has no size limit), while the edge never buffers more
 * than this much per request.
 */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

const NONE = new Uint8Array(0);

/** True when the request carries a body (Content-Length or Transfer-Encoding given). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined;
}

/** The body's bytes; undefined when the request has no body at all. */
export function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  if (!hasBody(req)) return Promise.resolve(undefined);
  if (req.headers["content-length"] === "0") return Promise.resolve(NONE);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      if (size > MAX_BODY_BYTES) return; // draining
      const room = MAX_BODY_BYTES + 1 - size;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      size += kept.length;
    });
    req.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new Error("request body aborted"));
    });
  });
}
