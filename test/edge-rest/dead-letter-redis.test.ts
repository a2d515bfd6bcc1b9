/** Dead-lettering over REST with the core on Redis (the flows of dead-letter-flows.ts). */
import anyTest, { type TestFn } from "ava";
import { defineDeadLetterFlows } from "./dead-letter-flows.ts";
import { useEdgeOnRedis } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
const { env } = useEdgeOnRedis(test);

defineDeadLetterFlows(test, env);
