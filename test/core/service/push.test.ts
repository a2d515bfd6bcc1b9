/** PushService.WatchMessages on the memory store (the flows: push-flows.ts). */
import test from "ava";
import { pushSuite } from "./push-flows.ts";

pushSuite(test, { store: "memory" });
