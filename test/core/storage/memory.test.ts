import { createMemoryDriver } from "../../../core/src/storage/memory/driver.ts";
import { defineStorageSuite } from "./conformance.ts";

defineStorageSuite("memory", async (clock) => ({ driver: createMemoryDriver({ clock }) }));
