/** A tiny Zaqar v2 REST caller over fetch: Client-ID and X-Project-ID on every request. */
import { randomUUID } from "node:crypto";

export interface RestReply {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or null for an empty body. */
  readonly body: any;
}

export type RestCall = (method: string, path: string, body?: unknown) => Promise<RestReply>;

export function restCaller(baseUrl: string, project: string, clientId: string = randomUUID()): RestCall {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        "Client-ID": clientId,
        "X-Project-ID": project,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === "" ? null : JSON.parse(text) };
  };
}

/** The message id at the end of an href like /v2/queues/q/messages/<id>?claim_id=<c>. */
export const messageIdOf = (href: string): string => (href.split("?")[0] as string).split("/").pop() as string;
/** The claim id in an href's `claim_id` query, or null. */
export const claimIdOf = (href: string): string | null => new URL(href, "http://x").searchParams.get("claim_id");
