/**
 * The edge's client of the core: BatchService.ExecuteStream over one
 * long-lived grpc-js HTTP/2 channel.
 *
 * A call across the edge→core hop costs far more CPU than the work it carries,
 * so operations are not sent one call each. Every operation requested during
 * one event-loop turn is queued and all of them travel in one message on a
 * long-lived stream, sent on `setImmediate` (earlier when the pending batch
 * passes MAX_BATCH_OPS operations or MAX_BATCH_BYTES body bytes). The core
 * answers each operation as it completes, naming it by id, so a fast
 * operation never waits for a slow one, and the edge, the core and Redis work
 * side by side instead of taking turns batch by batch.
 *
 * Each caller gets a promise of its own outcome. When the stream ends or
 * breaks, every operation it carried fails with a transport error (a
 * CoreError without detail, which the REST edge answers with 503), and the
 * next batch opens a new stream. An operation unanswered after `timeoutMs`
 * fails with DEADLINE_EXCEEDED.
 */
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import * as grpc from "@grpc/grpc-js";
import type { CoreAuth } from "../../common/core-auth.ts";
import { createCoreChannel } from "../../common/core-channel.ts";
import { OperationSchema, type Operation, type Outcome } from "../../proto/gen/zaqar/v1/batch_pb.ts";
import type { ErrorDetail } from "../../proto/gen/zaqar/v1/errors_pb.ts";
import { createBatchStream, type BatchStream, type Waiter } from "./core-stream.ts";

type AnyRequest = Exclude<Operation["request"], { case: undefined }>;
type AnyResponse = Exclude<Outcome["response"], { case: undefined | "failure" }>;

/** Name of a core operation: the `request` oneof case, e.g. "postMessages". */
export type OpName = AnyRequest["case"];
/** The request message of an operation. */
export type RequestOf<K extends OpName> = Extract<AnyRequest, { case: K }>["value"];
/** What callers pass: the request message or a plain object of its fields. */
export type RequestInit<K extends OpName> = MessageInitShape<GenMessage<RequestOf<K>>>;
/** The response message of an operation. */
export type ResponseOf<K extends OpName> = Extract<AnyResponse, { case: K }>["value"];

/** The identity an operation runs under (CallContext in batch.proto). */
export interface CallContextInit {
  /** Tenant id, from X-Project-ID. */
  readonly projectId: string;
  /** The raw Client-ID header value; the core validates and canonicalises it. */
  readonly clientId: string;
  /** Request id for logs. */
  readonly requestId: string;
  /** Roles from X-Roles. */
  readonly roles: string[];
}

/**
 * A failed operation. `detail` is present when the core raised the error on
 * purpose (it says what to answer); absent for transport and internal failures.
 */
export class CoreError extends Error {
  override readonly name = "CoreError";
  /** gRPC status code. */
  readonly code: number;
  readonly description: string;
  readonly detail: ErrorDetail | undefined;
  /** The operation that failed. */
  readonly op: OpName;

  constructor(op: OpName, code: number, description: string, detail?: ErrorDetail, cause?: unknown) {
    super(description, cause === undefined ? undefined : { cause });
    this.op = op;
    this.code = code;
    this.description = description;
    this.detail = detail;
  }
}

export interface CoreClient {
  /** Runs one operation in the next batch; rejects with CoreError. */
  call<K extends OpName>(ctx: CallContextInit, op: K, req: RequestInit<K>): Promise<ResponseOf<K>>;
  /** Closes the channel; pending and later calls fail. */
  close(): void;
}

export interface CoreClientOptions {
  /** host:port of the core's gRPC server. */
  readonly address: string;
  /** How long an operation may wait for its outcome; the health smoke test is the slowest operation. */
  readonly timeoutMs?: number;
  /** The core's secret and mutual-TLS settings (config.coreAuth); none: plain h2c. */
  readonly auth?: CoreAuth | undefined;
}

/** Flush early past this many operations ... */
const MAX_BATCH_OPS = 256;
/** ... or this many request-body bytes. */
const MAX_BATCH_BYTES = 1 << 20;

/** Body bytes an operation carries (for the early-flush threshold). */
function bodyBytes(req: object): number {
  let n = 0;
  for (const key in req) {
    const value = (req as Record<string, unknown>)[key];
    if (value instanceof Uint8Array) n += value.byteLength;
  }
  return n;
}

/** A waiter that settles the caller's promise from the operation's outcome. */
class Pending implements Waiter {
  readonly op: OpName;
  sentAt = 0;
  readonly #resolve: (value: never) => void;
  readonly #reject: (err: CoreError) => void;

  constructor(op: OpName, resolve: (value: never) => void, reject: (err: CoreError) => void) {
    this.op = op;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  settle(outcome: Outcome["response"]): void {
    if (outcome.case === this.op) this.#resolve(outcome.value as never);
    else if (outcome.case === "failure") {
      const f = outcome.value;
      this.#reject(new CoreError(this.op, f.code, f.description, f.detail));
    } else this.#reject(new CoreError(this.op, grpc.status.INTERNAL, `unexpected outcome ${String(outcome.case)}`));
  }

  fail(code: number, description: string, cause?: unknown): void {
    this.#reject(new CoreError(this.op, code, description, undefined, cause));
  }
}

export function createCoreClient(options: CoreClientOptions): CoreClient {
  // One channel for the edge's lifetime. grpc-js does not compress unless asked.
  const client = createCoreChannel(options.address, options.auth, { "grpc.max_send_message_length": -1 });
  const stream: BatchStream = createBatchStream(client, options.timeoutMs ?? 60_000);

  let operations: Operation[] = [];
  let waiters: Waiter[] = [];
  let bytes = 0;
  let scheduled: NodeJS.Immediate | null = null;
  let closed = false;

  function flush(): void {
    if (scheduled !== null) {
      clearImmediate(scheduled);
      scheduled = null;
    }
    if (operations.length === 0) return;
    stream.send(operations, waiters);
    operations = [];
    waiters = [];
    bytes = 0;
  }

  return {
    call<K extends OpName>(ctx: CallContextInit, op: K, req: RequestInit<K>): Promise<ResponseOf<K>> {
      if (closed) return Promise.reject(new CoreError(op, grpc.status.UNAVAILABLE, "core client closed"));
      const operation = create(OperationSchema, {
        context: ctx,
        request: { case: op, value: req } as never,
      });
      return new Promise<ResponseOf<K>>((resolve, reject) => {
        operations.push(operation);
        waiters.push(new Pending(op, resolve as (value: never) => void, reject));
        bytes += bodyBytes(req);
        if (operations.length >= MAX_BATCH_OPS || bytes >= MAX_BATCH_BYTES) flush();
        else if (scheduled === null) scheduled = setImmediate(flush);
      });
    },
    close(): void {
      if (closed) return;
      flush();
      closed = true;
      // Half-close: the core answers what it has, then ends the stream.
      stream.close();
      client.close();
    },
  };
}
