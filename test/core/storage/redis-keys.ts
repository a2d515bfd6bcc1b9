/** Reading the Redis driver's keys straight from a server, for the storage tests that check its key layout. */
import type { Redis } from "ioredis";
import { decodeKey, encodeProject } from "../../../core/src/storage/redis/keys.ts";

/** Every key of the driver that belongs to `project`, sorted. */
export async function keysOfProject(raw: Redis, project: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await raw.scan(cursor, "MATCH", `zq:{${encodeProject(project)}*`, "COUNT", 1000);
    found.push(...keys.filter((k) => decodeKey(k)?.project === project));
    cursor = next;
  } while (cursor !== "0");
  return found.sort();
}
