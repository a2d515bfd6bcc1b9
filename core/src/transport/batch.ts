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
  type Outcome,
} from "../../../proto/gen/zaqar/v1/batch_pb.js";
import { ErrorDetailSchema } from "../../../proto/gen/zaqar/v1/errors_pb.js";
import { viewError } from "../errors.ts";
import type { Dispatcher } from "./dispatch.ts";

export function createBatchExecutor(dispatcher: Dispatcher): (req: ExecuteRequest) => Promise<ExecuteResponse> {
  return async (req) => {
    const outcomes = await Promise.all(
      req.operations.map(async (operation): Promise<Outcome> => {
        const request = operation.request;
        const c = operation.context;
        try {
          if (request.case === undefined) throw new TypeError("operation without a request");
          const response = await dispatcher.run(
            { project: c?.projectId, clientId: c?.clientId, requestId: c?.requestId, roles: c?.roles },
            request.case,
            request.value,
          );
          return create(OutcomeSchema, { response: { case: request.case, value: response } as Outcome["response"] });
        } catch (err) {
          const view = viewError(err);
          return create(OutcomeSchema, {
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
      }),
    );
    return create(ExecuteResponseSchema, { outcomes });
  };
}
