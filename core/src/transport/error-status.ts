/**
 * Error encodings for the two server libraries. Both carry the same facts: the
 * gRPC code, the description as status message, and ErrorDetail packed in a
 * google.rpc.Status (`grpc-status-details-bin`), which connect-es clients read
 * with findDetails() and grpc-js clients can decode with RpcStatusSchema.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { Metadata, type ServiceError } from "@grpc/grpc-js";
import { ErrorDetailSchema, RpcAnySchema, RpcStatusSchema } from "../../../proto/gen/zaqar/v1/errors_pb.js";
import { viewError } from "../errors.ts";

const DETAIL_TYPE_URL = `type.googleapis.com/${ErrorDetailSchema.typeName}`;

export function toConnectError(err: unknown): ConnectError {
  const view = viewError(err);
  const details = view.detail ? [{ desc: ErrorDetailSchema, value: view.detail }] : [];
  return new ConnectError(view.description, view.code, undefined, details);
}

export function toGrpcError(err: unknown): Partial<ServiceError> {
  const view = viewError(err);
  const metadata = new Metadata();
  if (view.detail) {
    const status = create(RpcStatusSchema, {
      code: view.code,
      message: view.description,
      details: [create(RpcAnySchema, { typeUrl: DETAIL_TYPE_URL, value: toBinary(ErrorDetailSchema, create(ErrorDetailSchema, view.detail)) })],
    });
    metadata.set("grpc-status-details-bin", Buffer.from(toBinary(RpcStatusSchema, status)));
  }
  return { code: view.code as number, details: view.description, metadata };
}
