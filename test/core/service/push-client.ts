/**
 * A plain @grpc/grpc-js client for PushService tests: generic calls with the
 * generated protobuf-es schemas, posts through MessageService, and a collector
 * that gathers a watch's messages in arrival order.
 */
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import {
  PostMessagesRequestSchema,
  PostMessagesResponseSchema,
} from "../../../proto/gen/zaqar/v1/message_pb.js";
import { CreateQueueRequestSchema, CreateQueueResponseSchema } from "../../../proto/gen/zaqar/v1/queue_pb.js";
import type { Message } from "../../../proto/gen/zaqar/v1/message_types_pb.js";
import {
  WatchMessagesRequestSchema,
  WatchMessagesResponseSchema,
  type WatchMessagesResponse,
} from "../../../proto/gen/zaqar/v1/push_pb.js";

export const CLIENT_A = "3381af92-2b9e-11e3-b191-71861300734c";
export const CLIENT_B = "9f1c2a3b-4d5e-4f60-8a7b-1c2d3e4f5a6b";

const ser = (schema: DescMessage) => (value: unknown) => Buffer.from(toBinary(schema, value as never));
const de = (schema: DescMessage) => (bytes: Buffer) => fromBinary(schema, bytes);

export function metadata(project: string, clientId = CLIENT_A): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("x-project-id", project);
  md.set("x-client-id", clientId);
  return md;
}

function unary<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  path: string,
  input: I,
  output: O,
  req: MessageInitShape<I>,
  md: grpc.Metadata,
): Promise<unknown> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(path, ser(input), de(output), create(input, req), md, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

/** Posts the bodies in one PostMessages call; answers the new ids. */
export async function post(
  client: grpc.Client,
  project: string,
  queue: string,
  bodies: readonly unknown[],
  options: { clientId?: string; topic?: boolean } = {},
): Promise<string[]> {
  const body = Buffer.from(JSON.stringify({ messages: bodies.map((b) => ({ ttl: 3600, body: b })) }));
  const res = (await unary(
    client,
    "/zaqar.v1.MessageService/PostMessages",
    PostMessagesRequestSchema,
    PostMessagesResponseSchema,
    { queue, body, topic: options.topic ?? false },
    metadata(project, options.clientId),
  )) as { ids: string[] };
  return res.ids;
}

export async function createQueue(client: grpc.Client, project: string, queue: string, meta: object): Promise<void> {
  await unary(
    client,
    "/zaqar.v1.QueueService/CreateQueue",
    CreateQueueRequestSchema,
    CreateQueueResponseSchema,
    { queue, metadata: Buffer.from(JSON.stringify(meta)) },
    metadata(project),
  );
}

export type WatchStream = grpc.ClientReadableStream<WatchMessagesResponse>;

export function watch(
  client: grpc.Client,
  project: string,
  req: MessageInitShape<typeof WatchMessagesRequestSchema>,
  clientId = CLIENT_A,
): WatchStream {
  return client.makeServerStreamRequest(
    "/zaqar.v1.PushService/WatchMessages",
    ser(WatchMessagesRequestSchema),
    de(WatchMessagesResponseSchema),
    create(WatchMessagesRequestSchema, req),
    metadata(project, clientId),
  ) as WatchStream;
}

/** Everything a watch delivered, and promises for its milestones. */
export interface Collector {
  readonly messages: Message[];
  readonly responses: WatchMessagesResponse[];
  /** Resolves with the first (empty) response: the watch is established. */
  readonly ready: Promise<WatchMessagesResponse>;
  /** Resolves once `n` messages arrived (rejects when the stream fails or ends first, or after `ms`). */
  until(n: number, ms?: number): Promise<Message[]>;
  /** Resolves with the stream's error, or null when it ended with OK. */
  readonly ended: Promise<grpc.ServiceError | null>;
}

export function collect(stream: WatchStream): Collector {
  const messages: Message[] = [];
  const responses: WatchMessagesResponse[] = [];
  let check = (): void => {};
  let readyResolve!: (r: WatchMessagesResponse) => void;
  const ready = new Promise<WatchMessagesResponse>((resolve) => (readyResolve = resolve));
  let finished: grpc.ServiceError | null | undefined;
  const ended = new Promise<grpc.ServiceError | null>((resolve) => {
    stream.on("error", (err: grpc.ServiceError) => {
      finished = err;
      check();
      resolve(err);
    });
    stream.on("end", () => {
      if (finished === undefined) finished = null;
      check();
      resolve(finished);
    });
  });
  ended.catch(() => {});
  stream.on("data", (res: WatchMessagesResponse) => {
    if (responses.length === 0) readyResolve(res);
    responses.push(res);
    messages.push(...res.messages);
    check();
  });
  return {
    messages,
    responses,
    ready,
    ended,
    until(n, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out with ${messages.length} of ${n} messages`)), ms);
        check = () => {
          if (messages.length >= n) {
            clearTimeout(timer);
            resolve(messages.slice(0, n));
          } else if (finished !== undefined) {
            clearTimeout(timer);
            reject(new Error(`stream ended (${finished?.message ?? "OK"}) with ${messages.length} of ${n} messages`));
          }
        };
        check();
      });
    },
  };
}

export const bodyOf = (m: Message): unknown => JSON.parse(Buffer.from(m.body).toString("utf8"));
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
