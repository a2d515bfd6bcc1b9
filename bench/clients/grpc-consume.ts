/**
 * gRPC consume load: CreateClaim (limit 10) then DeleteMessage of each claimed
 * message with its claim id, against the core's native gRPC port, from a
 * @grpc/grpc-js client (one channel). No non-Node load tool can chain calls
 * like this, so this figure includes a Node client's own cost.
 *
 * Usage: node --import tsx bench/clients/grpc-consume.ts <host:port> <project> <queue> <seconds> <concurrency>
 * Prints BENCH_RESULT {messages, requests, errors, elapsedUs, p50Us, p99Us, claims, empty}.
 */
import { create } from "@bufbuild/protobuf";
import { ClaimService, CreateClaimRequestSchema } from "../../proto/gen/zaqar/v1/claim_pb.js";
import { DeleteMessageRequestSchema, MessageService } from "../../proto/gen/zaqar/v1/message_pb.js";
import { CLAIM_BODY, CLAIM_LIMIT, CLIENT_ID } from "../payload.ts";
import { createUnaryCaller } from "./grpc-client.ts";
import { consumeStep, report, runClosedLoop } from "./loop.ts";

const [address, project, queue, seconds, concurrency] = process.argv.slice(2) as [string, string, string, string, string];
const rpc = createUnaryCaller(address, { "x-project-id": project, "x-client-id": CLIENT_ID });
const claimRequest = create(CreateClaimRequestSchema, { queue, limit: CLAIM_LIMIT, body: new TextEncoder().encode(CLAIM_BODY) });

const { step, counts } = consumeStep<{ id: string; claim: string }>({
  async claim() {
    const res = await rpc.call(ClaimService.method.createClaim, claimRequest);
    return res.messages.map((m) => ({ id: m.id, claim: res.claimId }));
  },
  async remove(m) {
    await rpc.call(MessageService.method.deleteMessage, create(DeleteMessageRequestSchema, { queue, messageId: m.id, claimId: m.claim }));
  },
});
const result = await runClosedLoop(Number(concurrency), Number(seconds) * 1000, step);
report({ ...result, messages: counts.deleted, claims: counts.claims, empty: counts.empty });
rpc.close();
