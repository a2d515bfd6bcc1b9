/**
 * The workload's bytes, shared by every client so that all scenarios send
 * exactly the same requests: a post of 10 messages whose bodies are 1 KiB of
 * JSON each, a claim of up to 10 for 60 s (+60 s grace).
 */
export const MESSAGES_PER_POST = 10;
export const BODY_BYTES = 1024;
export const MESSAGE_TTL = 300;
export const CLAIM_LIMIT = 10;
export const CLAIM_BODY = '{"ttl":60,"grace":60}';
/** A fixed client id (the core wants a UUID). */
export const CLIENT_ID = "6a1b3f8e-2c4d-4e5f-8a9b-0c1d2e3f4a5b";

/** One message body: a JSON object exactly BODY_BYTES long. */
export function messageBody(seq: number): string {
  const head = `{"seq":${seq},"data":"`;
  const tail = `"}`;
  return head + "x".repeat(BODY_BYTES - head.length - tail.length) + tail;
}

/** The JSON text of one post request: {"messages":[{"ttl":300,"body":{...}}, ...]}. */
export function postDocument(): string {
  const items = Array.from({ length: MESSAGES_PER_POST }, (_, i) => `{"ttl":${MESSAGE_TTL},"body":${messageBody(i)}}`);
  return `{"messages":[${items.join(",")}]}`;
}
