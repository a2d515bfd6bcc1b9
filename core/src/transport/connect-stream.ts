/**
 * ExecuteStream for connect-node, whose streaming handlers consume and produce
 * async iterables: the session's pushed writes are queued here and yielded in
 * order; the request iterable is pumped into the session alongside.
 */
import type { ExecuteStreamRequest, ExecuteStreamResponse } from "../../../proto/gen/zaqar/v1/batch_pb.js";
import type { StreamSessions } from "./batch-stream.ts";

export function connectExecuteStream(
  sessions: StreamSessions,
): (requests: AsyncIterable<ExecuteStreamRequest>) => AsyncIterable<ExecuteStreamResponse> {
  return async function* (requests) {
    const out: ExecuteStreamResponse[] = [];
    let ended = false;
    let wake: (() => void) | null = null;
    const notify = (): void => {
      wake?.();
      wake = null;
    };
    const session = sessions.open({
      write: (res) => {
        out.push(res);
        notify();
      },
      end: () => {
        ended = true;
        notify();
      },
    });
    void (async () => {
      try {
        for await (const req of requests) session.receive(req);
        session.finish();
      } catch {
        // The caller went away: nothing is left to answer.
        session.abort();
        ended = true;
        notify();
      }
    })();
    try {
      for (;;) {
        const next = out.shift();
        if (next !== undefined) yield next;
        else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      session.abort();
    }
  };
}
