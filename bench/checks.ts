/**
 * One-call sanity checks before load: the load tools only count statuses, so
 * each path is first exercised once with a real client that reads the answer.
 */
import { create } from "@bufbuild/protobuf";
import { ClaimService, CreateClaimRequestSchema } from "../proto/gen/zaqar/v1/claim_pb.js";
import { DeleteMessageRequestSchema, MessageService, PostMessagesRequestSchema } from "../proto/gen/zaqar/v1/message_pb.js";
import { createUnaryCaller } from "./clients/grpc-client.ts";
import { CLAIM_BODY, CLAIM_LIMIT, CLIENT_ID, MESSAGES_PER_POST } from "./payload.ts";

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`sanity check failed: ${what}`);
}

/** POST 10 messages, claim them, delete one with its claim id, over REST. */
export async function checkRest(baseUrl: string, project: string, queue: string, document: string): Promise<void> {
  const headers = { "Content-Type": "application/json", "Client-ID": CLIENT_ID, "X-Project-ID": project };
  const base = `${baseUrl}/v2/queues/${queue}`;
  const post = await fetch(`${base}/messages`, { method: "POST", headers, body: document });
  const location = post.headers.get("location") ?? "";
  await post.arrayBuffer();
  expect(post.status === 201, `${baseUrl} POST messages answered ${post.status}`);
  expect((location.split("ids=")[1] ?? "").split(",").length === MESSAGES_PER_POST, `POST Location ${location}`);

  const claim = await fetch(`${base}/claims?limit=${CLAIM_LIMIT}`, { method: "POST", headers, body: CLAIM_BODY });
  expect(claim.status === 201, `${baseUrl} POST claims answered ${claim.status}`);
  const body = (await claim.json()) as { messages: Array<{ href: string }> };
  expect(body.messages.length > 0 && body.messages.every((m) => m.href.includes("?claim_id=")), "claim body hrefs");

  const del = await fetch(`${baseUrl}${body.messages[0]?.href}`, { method: "DELETE", headers });
  await del.arrayBuffer();
  expect(del.status === 204, `${baseUrl} DELETE message answered ${del.status}`);
}

/** PostMessages, CreateClaim and DeleteMessage once each with grpc-js (grpc-status 0 every time). */
export async function checkGrpc(address: string, project: string, queue: string, document: string): Promise<void> {
  const rpc = createUnaryCaller(address, { "x-project-id": project, "x-client-id": CLIENT_ID });
  try {
    const posted = await rpc.call(MessageService.method.postMessages, create(PostMessagesRequestSchema, { queue, body: Buffer.from(document) }));
    expect(posted.ids.length === MESSAGES_PER_POST, `PostMessages returned ${posted.ids.length} ids`);
    const claim = await rpc.call(
      ClaimService.method.createClaim,
      create(CreateClaimRequestSchema, { queue, limit: CLAIM_LIMIT, body: Buffer.from(CLAIM_BODY) }),
    );
    expect(claim.claimId !== "" && claim.messages.length > 0, "CreateClaim returned a claim");
    await rpc.call(
      MessageService.method.deleteMessage,
      create(DeleteMessageRequestSchema, { queue, messageId: claim.messages[0]?.id ?? "", claimId: claim.claimId }),
    );
  } finally {
    rpc.close();
  }
}
