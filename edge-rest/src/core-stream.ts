/**
 * The edge's end of BatchService.ExecuteStream (see batch.proto): one open
 * stream at a time, operations written to it in batches, outcomes matched to
 * their waiters by operation id as the core sends them back.
 *
 * A stream that ends (the core shutting down) or breaks (the core gone) fails
 * every operation it still carries with the stream's status, UNAVAILABLE when
 * that status is OK, and the next batch opens a new stream; grpc-js paces
 * reconnection to an unreachable core itself, and fails calls fast meanwhile.
 */
import * as grpc from "@grpc/grpc-js";
import { decodeExecuteStreamResponse, encodeExecuteStreamRequest } from "../../proto/gen/zaqar/v1/batch_codec.ts";
import {
  type ExecuteStreamRequest,
  type ExecuteStreamResponse,
  type Operation,
  type Outcome,
} from "../../proto/gen/zaqar/v1/batch_pb.ts";

/** Whoever waits for one operation's outcome. */
export interface Waiter {
  /** When the operation was written (Date.now()); set by send(). */
  sentAt: number;
  settle(outcome: Outcome["response"]): void;
  fail(code: number, description: string, cause?: unknown): void;
}

export interface BatchStream {
  /** Writes the operations, numbering them; waiters[i] gets operations[i]'s outcome. */
  send(operations: Operation[], waiters: Waiter[]): void;
  /** Half-closes the open stream (the core answers what it has) and stops the deadline sweep. */
  close(): void;
}

const EXECUTE_STREAM = "/zaqar.v1.BatchService/ExecuteStream";

type Call = grpc.ClientDuplexStream<ExecuteStreamRequest, ExecuteStreamResponse>;

interface Link {
  readonly call: Call;
  /** Operations written and not yet answered, by id, in the order written. */
  readonly pending: Map<number, Waiter>;
}

// The generated codecs write what @bufbuild/protobuf writes, several times faster (scripts/codec).
const serialize = encodeExecuteStreamRequest;
const deserialize = decodeExecuteStreamResponse;

function failAll(link: Link, code: number, description: string, cause?: unknown): void {
  for (const waiter of link.pending.values()) waiter.fail(code, description, cause);
  link.pending.clear();
}

export function createBatchStream(client: grpc.Client, timeoutMs: number): BatchStream {
  let link: Link | null = null;
  let nextId = 0;

  function open(): Link {
    const call: Call = client.makeBidiStreamRequest(EXECUTE_STREAM, serialize, deserialize);
    const l: Link = { call, pending: new Map() };
    call.on("data", (res: ExecuteStreamResponse) => {
      for (const outcome of res.outcomes) {
        const waiter = l.pending.get(outcome.id);
        if (waiter === undefined) continue; // already failed by the deadline sweep
        l.pending.delete(outcome.id);
        waiter.settle(outcome.response);
      }
    });
    // The status event reports every ending, errors included.
    call.on("error", () => undefined);
    call.on("status", (status: grpc.StatusObject) => {
      if (link === l) link = null;
      call.end();
      const code = status.code === grpc.status.OK ? grpc.status.UNAVAILABLE : status.code;
      const description = status.code === grpc.status.OK ? "core ended the stream" : status.details;
      // After any outcomes still queued in the stream have been delivered.
      setImmediate(() => failAll(l, code, description || "core stream failed"));
    });
    return l;
  }

  // Operations unanswered for timeoutMs fail; oldest first, so the sweep stops at the first young one.
  const sweep = setInterval(() => {
    if (link === null) return;
    const now = Date.now();
    for (const [id, waiter] of link.pending) {
      if (now - waiter.sentAt < timeoutMs) break;
      link.pending.delete(id);
      waiter.fail(grpc.status.DEADLINE_EXCEEDED, "Deadline exceeded");
    }
  }, Math.min(1000, timeoutMs));
  sweep.unref();

  return {
    send(operations, waiters) {
      const l = (link ??= open());
      const now = Date.now();
      for (let i = 0; i < operations.length; i++) {
        const id = (nextId = (nextId + 1) >>> 0);
        (operations[i] as Operation).id = id;
        const waiter = waiters[i] as Waiter;
        waiter.sentAt = now;
        l.pending.set(id, waiter);
      }
      // A literal: create() would re-check every operation it is handed.
      const req: ExecuteStreamRequest = { $typeName: "zaqar.v1.ExecuteStreamRequest", operations };
      l.call.write(req);
    },
    close() {
      clearInterval(sweep);
      link?.call.end();
      link = null;
    },
  };
}
