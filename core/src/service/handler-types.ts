/**
 * The core's operations as one table: operation name → handler.
 *
 * Operation names are the `request` oneof cases of BatchService's Operation,
 * which are also the RPC methods' local names (`createQueue` is both
 * Operation.create_queue and QueueService.CreateQueue), so one table serves
 * every transport: connect-node, grpc-js and BatchService.
 */
import type { Operation, Outcome } from "../../../proto/gen/zaqar/v1/batch_pb.js";
import type { CallContext } from "../context.ts";

export type OpName = NonNullable<Operation["request"]["case"]>;
export type RequestOf<K extends OpName> = Extract<Operation["request"], { case: K }>["value"];
export type ResponseOf<K extends OpName> = Extract<Outcome["response"], { case: K }>["value"];

export type Handler<K extends OpName> = (ctx: CallContext, req: RequestOf<K>) => Promise<ResponseOf<K>>;
export type Handlers = { readonly [K in OpName]: Handler<K> };
