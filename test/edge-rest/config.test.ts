/** The REST edge's configuration: defaults, parsing, and every problem reported at once. */
import test from "ava";
import { readRestEdgeConfig } from "../../edge-rest/src/config.ts";

test("every setting has a default", (t) => {
  t.deepEqual(readRestEdgeConfig({}), {
    listen: { host: "127.0.0.1", port: 8888 },
    coreUrl: "127.0.0.1:7070",
    adminMode: false,
    pooling: false,
    logLevel: "info",
    auth: { strategy: "none", signedUrlSecret: undefined },
  });
});

test("settings are read from ZAQAR_* variables into a frozen object", (t) => {
  const config = readRestEdgeConfig({
    ZAQAR_REST_LISTEN: "[::1]:0",
    ZAQAR_CORE_URL: "core.internal:7443",
    ZAQAR_ADMIN_MODE: "true",
    ZAQAR_POOLING: "true",
    ZAQAR_LOG_LEVEL: "debug",
  });
  t.deepEqual(config, {
    listen: { host: "::1", port: 0 },
    coreUrl: "core.internal:7443",
    adminMode: true,
    pooling: true,
    logLevel: "debug",
    auth: { strategy: "none", signedUrlSecret: undefined },
  });
  t.true(Object.isFrozen(config));
  t.true(Object.isFrozen(config.listen));
});

test("admin mode accepts the usual boolean spellings", (t) => {
  for (const v of ["1", "yes", "on", "TRUE"]) t.true(readRestEdgeConfig({ ZAQAR_ADMIN_MODE: v }).adminMode, v);
  for (const v of ["0", "no", "off", "false", ""]) t.false(readRestEdgeConfig({ ZAQAR_ADMIN_MODE: v }).adminMode, v);
});

test("pooling accepts the usual boolean spellings", (t) => {
  for (const v of ["1", "yes", "on", "TRUE"]) t.true(readRestEdgeConfig({ ZAQAR_POOLING: v }).pooling, v);
  for (const v of ["0", "no", "off", "false", ""]) t.false(readRestEdgeConfig({ ZAQAR_POOLING: v }).pooling, v);
  t.throws(() => readRestEdgeConfig({ ZAQAR_POOLING: "sometimes" }), { message: /ZAQAR_POOLING must be true or false, got "sometimes"/ });
});

test("all problems are listed at once", (t) => {
  const err = t.throws(() =>
    readRestEdgeConfig({
      ZAQAR_REST_LISTEN: "nowhere",
      ZAQAR_CORE_URL: "http://x",
      ZAQAR_ADMIN_MODE: "perhaps",
      ZAQAR_LOG_LEVEL: "loud",
    }),
  );
  for (const name of ["ZAQAR_REST_LISTEN", "ZAQAR_CORE_URL", "ZAQAR_ADMIN_MODE", "ZAQAR_LOG_LEVEL"]) {
    t.true(err?.message.includes(name), name);
  }
});

test("a port above 65535 is refused", (t) => {
  t.throws(() => readRestEdgeConfig({ ZAQAR_REST_LISTEN: "127.0.0.1:70000" }), { message: /ZAQAR_REST_LISTEN/ });
});
