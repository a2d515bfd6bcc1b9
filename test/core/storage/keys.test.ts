import test from "ava";
import {
  decodeKey,
  decodeProject,
  encodeProject,
  newToken,
  projectIndexKey,
  queueKey,
  queueKeys,
} from "../../../core/src/storage/redis/keys.ts";

/** The part of a key Redis Cluster hashes: between the first `{` and the next `}`. */
function hashTag(key: string): string {
  const open = key.indexOf("{");
  const close = key.indexOf("}", open + 1);
  return key.slice(open + 1, close);
}

const projects = ["p-1", "a.b", "a/b", "{x}", "}{", "a}b{c", "with space", "100%", "%2F", "a:b", "ünï/cödé", "", "/", "%"];
const queues = ["q", "a.b", "..", "-_.", "Q9", "x".repeat(64)];

test("queue keys decode back to their project and queue for awkward names", (t) => {
  for (const project of projects) {
    for (const queue of queues) {
      const k = queueKeys({ project, queue });
      for (const [key, suffix] of [[k.record, "q"], [k.m, "m"], [k.all, "all"], [queueKey({ project, queue }, "claim"), "claim"]] as const) {
        t.deepEqual(decodeKey(key), { kind: "queue", project, queue, suffix }, key);
      }
    }
  }
});

test("the project index key decodes back to its project", (t) => {
  for (const project of projects) t.deepEqual(decodeKey(projectIndexKey(project)), { kind: "index", project });
});

test("project encoding round-trips and removes every tag and separator character", (t) => {
  for (const project of projects) {
    const encoded = encodeProject(project);
    t.is(decodeProject(encoded), project);
    t.false(/[{}/:]/.test(encoded), encoded);
  }
});

test("distinct scopes never share a key", (t) => {
  const seen = new Map<string, string>();
  for (const project of [...projects, "a", "a/b/c", "b"]) {
    for (const queue of [...queues, "b", "c"]) {
      const key = queueKeys({ project, queue }).record;
      const owner = `${JSON.stringify(project)} ${queue}`;
      t.is(seen.get(key) ?? owner, owner, key);
      seen.set(key, owner);
    }
    const index = projectIndexKey(project);
    t.false(seen.has(index));
    seen.set(index, `index ${project}`);
  }
});

test("all keys of a queue share one hash tag and the project index has its own", (t) => {
  for (const project of projects) {
    const scope = { project, queue: "a.b" };
    const k = queueKeys(scope);
    const tag = hashTag(k.record);
    t.is(tag, `${encodeProject(project)}/a.b`);
    t.is(hashTag(k.base), tag);
    t.is(hashTag(k.m), tag);
    t.is(hashTag(queueKey(scope, "claim")), tag);
    t.is(hashTag(projectIndexKey(project)), encodeProject(project));
  }
});

test("keys that are not the driver's do not decode", (t) => {
  for (const key of ["foo", "zq:", "zq:{p}", "zq:{p}:other", "zq:{p/bad name}:q", "zq:{p/q}:", "zq:{p/q}x"]) {
    t.is(decodeKey(key), null, key);
  }
});

test("new tokens are 12 lowercase hex digits", (t) => {
  for (let i = 0; i < 20; i++) t.regex(newToken(), /^[0-9a-f]{12}$/);
});
