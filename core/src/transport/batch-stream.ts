/**
 * BatchService.ExecuteStream (see batch.proto), independent of the server
 * library: operations arrive in messages on a long-lived stream, each starts
 * as soon as it arrives, and outcomes go back as they complete.
 *
 * Outcomes completed during one event-loop turn share one response message,
 * written on setImmediate: a message per outcome would cost a frame and a
 * socket write each, and a message per request would make fast operations
 * wait for slow ones (the lock-step a unary batch call has).
 */
import { create } from "@bufbuild/protobuf";
import {
  ExecuteStreamResponseSchema,
  FailureSchema,
  OutcomeSchema,
  type ExecuteStreamRequest,
  type ExecuteStreamResponse,
  type Operation,
  type Outcome,
} from "../../../proto/gen/zaqar/v1/batch_pb.js";
import { Code } from "@connectrpc/connect";
import type { OperationRunner } from "./batch.ts";

/** Where a session writes: the server library's stream. */
export interface StreamSink {
  write(res: ExecuteStreamResponse): void;
  /** Ends the stream with status OK. */
  end(): void;
}

/** One ExecuteStream call, driven by its server adapter. */
export interface StreamSession {
  /** A request message arrived: start its operations. */
  receive(req: ExecuteStreamRequest): void;
  /** The caller half-closed: answer what was received, then end. */
  finish(): void;
  /** The stream is gone (cancelled or broken): write nothing more. */
  abort(): void;
}

export interface StreamSessions {
  open(sink: StreamSink): StreamSession;
  /**
   * For shutdown: every open stream answers the operations it has started,
   * fails later arrivals with UNAVAILABLE, and ends. Resolves when all have ended.
   */
  drain(): Promise<void>;
}

const shuttingDown = (operation: Operation): Outcome =>
  create(OutcomeSchema, {
    id: operation.id,
    response: { case: "failure", value: create(FailureSchema, { code: Code.Unavailable, description: "core is shutting down" }) },
  });

export function createStreamSessions(run: OperationRunner): StreamSessions {
  const live = new Set<() => void>();
  let draining = false;
  let drained: (() => void) | null = null;

  function open(sink: StreamSink): StreamSession {
    let ready: Outcome[] = [];
    let running = 0;
    let finishing = false;
    let ended = false;
    let scheduled: NodeJS.Immediate | null = null;

    const complete = (outcome: Outcome): void => {
      running--;
      if (ended) return;
      ready.push(outcome);
      schedule();
    };

    function schedule(): void {
      if (scheduled === null && !ended) scheduled = setImmediate(writeOut);
    }

    function writeOut(): void {
      scheduled = null;
      if (ended) return;
      if (ready.length > 0) {
        const outcomes = ready;
        ready = [];
        sink.write(create(ExecuteStreamResponseSchema, { outcomes }));
      }
      if ((finishing || draining) && running === 0) {
        stop();
        sink.end();
      }
    }

    function stop(): void {
      ended = true;
      if (scheduled !== null) clearImmediate(scheduled);
      scheduled = null;
      live.delete(schedule);
      if (live.size === 0 && drained !== null) drained();
    }

    live.add(schedule);
    if (draining) schedule();
    return {
      receive(req) {
        if (ended) return;
        for (const operation of req.operations) {
          if (draining) {
            ready.push(shuttingDown(operation));
            schedule();
            continue;
          }
          running++;
          void run(operation).then(complete);
        }
      },
      finish() {
        finishing = true;
        schedule();
      },
      abort() {
        if (!ended) stop();
      },
    };
  }

  return {
    open,
    drain() {
      draining = true;
      if (live.size === 0) return Promise.resolve();
      const done = new Promise<void>((resolve) => {
        drained = resolve;
      });
      // Each session ends once its running operations have answered.
      for (const wake of live) wake();
      return done;
    },
  };
}
