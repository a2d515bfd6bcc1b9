/**
 * A minimal @grpc/grpc-js client for the core's native port, using the
 * protobuf-es codecs of proto/gen (as the core's own server does), with the
 * caller's identity as request metadata (and ZAQAR_CORE_SECRET when set).
 */
import { fromBinary, toBinary, type DescMessage, type DescMethod, type MessageShape } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { coreCallHeaders } from "../../common/core-channel.ts";
import { readBenchCoreAuth } from "../config.ts";

export interface UnaryCaller {
  call<I extends DescMessage, O extends DescMessage>(method: DescMethod & { input: I; output: O }, req: MessageShape<I>): Promise<MessageShape<O>>;
  close(): void;
}

export function createUnaryCaller(address: string, headers: Record<string, string>): UnaryCaller {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries({ ...headers, ...coreCallHeaders(readBenchCoreAuth()) })) metadata.set(k, v);
  return {
    call(method, req) {
      const path = `/${method.parent.typeName}/${method.name}`;
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest(
          path,
          (value: MessageShape<typeof method.input>) => Buffer.from(toBinary(method.input, value)),
          (bytes: Buffer) => fromBinary(method.output, bytes),
          req,
          metadata,
          (err, res) => (err ? reject(err) : resolve(res as never)),
        );
      });
    },
    close: () => client.close(),
  };
}
