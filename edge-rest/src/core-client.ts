/**
 * The edge's client of the core: BatchService.Execute over one long-lived
 * grpc-js HTTP/2 channel, with micro-batching.
 *
 * A call across the edge→core hop costs far more CPU than the work it carries
 * (~0.5 ms), so every operation requested during one event-loop turn is queued
 * and all of them travel in a single Execute call, sent on `setImmediate`
 * (earlier when the pending batch passes MAX_BATCH_OPS operations or
 * MAX_BATCH_BYTES body bytes). Each caller gets a promise of its own outcome;
 * a failed Execute rejects every operation it carried with a transport error
 * (a CoreError without detail, which the REST edge answers with 503).
 */
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import * as grpc from "@grpc/grpc-js";
import {
  ExecuteRequestSchema,
  ExecuteResponseSchema,
  OperationSchema,
  type ExecuteRequest,
  type ExecuteResponse,
  type Operation,
  type Outcome,
} from "../../proto/gen/zaqar/v1/batch_pb.ts";
import type { ErrorDetail } from "../../proto/gen/zaqar/v1/errors_pb.ts";

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
  /** Per-Execute deadline; the health smoke test is the slowest operation. */
  readonly timeoutMs?: number;
}

/** Flush early past this many operations ... */
const MAX_BATCH_OPS = 256;
/** ... or this many request-body bytes. */
const MAX_BATCH_BYTES = 1 << 20;
const EXECUTE = "/zaqar.v1.BatchService/Execute";

interface Pending {
  readonly op: OpName;
  readonly resolve: (value: never) => void;
  readonly reject: (err: CoreError) => void;
}

const serialize = (req: ExecuteRequest): Buffer => {
  const bytes = toBinary(ExecuteRequestSchema, req);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};
const deserialize = (bytes: Buffer): ExecuteResponse => fromBinary(ExecuteResponseSchema, bytes);

/** Body bytes an operation carries (for the early-flush threshold). */
function bodyBytes(req: object): number {
  let n = 0;
  for (const value of Object.values(req)) if (value instanceof Uint8Array) n += value.byteLength;
  return n;
}

export function createCoreClient(options: CoreClientOptions): CoreClient {
  const timeoutMs = options.timeoutMs ?? 60_000;
  // One channel for the edge's lifetime. grpc-js does not compress unless asked.
  const client = new grpc.Client(options.address, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": -1,
    "grpc.max_send_message_length": -1,
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_timeout_ms": 10_000,
    "grpc.keepalive_permit_without_calls": 1,
  });

  let operations: Operation[] = [];
  let waiters: Pending[] = [];
  let bytes = 0;
  let scheduled: NodeJS.Immediate | null = null;
  let closed = false;

  function settle(batch: Pending[], err: grpc.ServiceError | null, res: ExecuteResponse | undefined): void {
    if (err || !res || res.outcomes.length !== batch.length) {
      const code = err?.code ?? grpc.status.INTERNAL;
      const description = err?.details || "malformed Execute response";
      for (const w of batch) w.reject(new CoreError(w.op, code, description, undefined, err ?? undefined));
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const w = batch[i] as Pending;
      const outcome = (res.outcomes[i] as Outcome).response;
      if (outcome.case === w.op) w.resolve(outcome.value as never);
      else if (outcome.case === "failure") {
        const f = outcome.value;
        w.reject(new CoreError(w.op, f.code, f.description, f.detail));
      } else w.reject(new CoreError(w.op, grpc.status.INTERNAL, `unexpected outcome ${String(outcome.case)}`));
    }
  }

  function flush(): void {
    if (scheduled !== null) {
      clearImmediate(scheduled);
      scheduled = null;
    }
    if (operations.length === 0) return;
    const batch = waiters;
    const request = create(ExecuteRequestSchema, { operations });
    operations = [];
    waiters = [];
    bytes = 0;
    client.makeUnaryRequest<ExecuteRequest, ExecuteResponse>(
      EXECUTE,
      serialize,
      deserialize,
      request,
      { deadline: Date.now() + timeoutMs },
      (err, res) => settle(batch, err, res),
    );
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
        waiters.push({ op, resolve: resolve as (value: never) => void, reject });
        bytes += bodyBytes(req);
        if (operations.length >= MAX_BATCH_OPS || bytes >= MAX_BATCH_BYTES) flush();
        else if (scheduled === null) scheduled = setImmediate(flush);
      });
    },
    close(): void {
      if (closed) return;
      flush();
      closed = true;
      client.close();
    },
  };
}
