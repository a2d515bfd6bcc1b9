/** Sharing a queue over REST with the core on the memory store (the flows of share-flows.ts). */
import anyTest, { type TestFn } from "ava";
import { defineShareFlows } from "./share-flows.ts";

const test = anyTest as TestFn<unknown>;
defineShareFlows(test, () => ({ store: "memory" }));
