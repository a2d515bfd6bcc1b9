/**
 * BatchService.Execute: many independent operations in one call (see batch.proto).
 * Operations run concurrently; each gets its own outcome, success or failure.
 */
import { create } from "@bufbuild/protobuf";
import {
  ExecuteResponseSchema,
  FailureSchema,
  OutcomeSchema,
  type ExecuteRequest,
  type ExecuteResponse,
  type Operation,
  type Outcome,
} from "../../../proto/gen/zaqar/v1/batch_pb.js";
import { ErrorDetailSchema } from "../../../proto/gen/zaqar/v1/errors_pb.js";
import { viewError } from "../errors.ts";
import type { Dispatcher } from "./dispatch.ts";

/** Runs one operation to its outcome (never rejects); the outcome echoes the operation's id. */
export type OperationRunner = (operation: Operation) => Promise<Outcome>;

export function createOperationRunner(dispatcher: Dispatcher): OperationRunner {
  return async (operation) => {
    const request = operation.request;
    const c = operation.context;
    try {
      if (request.case === undefined) throw new TypeError("operation without a request");
      const response = await dispatcher.run(
        { project: c?.projectId, clientId: c?.clientId, requestId: c?.requestId, roles: c?.roles },
        request.case,
        request.value,
      );
      return create(OutcomeSchema, { id: operation.id, response: { case: request.case, value: response } as Outcome["response"] });
    } catch (err) {
      const view = viewError(err);
      return create(OutcomeSchema, {
        id: operation.id,
        response: {
          case: "failure",
          value: create(FailureSchema, {
            code: view.code,
            description: view.description,
            ...(view.detail ? { detail: create(ErrorDetailSchema, view.detail) } : {}),
          }),
        },
      });
    }
  };
}

export function createBatchExecutor(run: OperationRunner): (req: ExecuteRequest) => Promise<ExecuteResponse> {
  return async (req) => create(ExecuteResponseSchema, { outcomes: await Promise.all(req.operations.map(run)) });
}
