/** readKeystoneSettings: the ZAQAR_KEYSTONE_* variables, their defaults and their errors. */
import test from "ava";
import { readKeystoneSettings } from "../../common/auth/keystone.ts";

const REQUIRED = {
  ZAQAR_KEYSTONE_URL: "http://127.0.0.1:5000",
  ZAQAR_KEYSTONE_SERVICE_USER: "zaqar",
  ZAQAR_KEYSTONE_SERVICE_PASSWORD: "s3cret",
};

test("the required variables alone give the defaults", (t) => {
  t.deepEqual(readKeystoneSettings(REQUIRED), {
    url: "http://127.0.0.1:5000",
    serviceUser: "zaqar",
    servicePassword: "s3cret",
    serviceProject: "service",
    serviceDomain: "default",
    cacheTtlMs: 60_000,
    cacheMaxEntries: 10_000,
    timeoutMs: 5_000,
    maxConcurrent: 16,
  });
  t.true(Object.isFrozen(readKeystoneSettings(REQUIRED)));
});

test("every variable is read", (t) => {
  const settings = readKeystoneSettings({
    ZAQAR_KEYSTONE_URL: "https://keystone.example:5000/v3",
    ZAQAR_KEYSTONE_SERVICE_USER: "svc",
    ZAQAR_KEYSTONE_SERVICE_PASSWORD: " pass with spaces ",
    ZAQAR_KEYSTONE_SERVICE_PROJECT: "services",
    ZAQAR_KEYSTONE_SERVICE_DOMAIN: "3f1c",
    ZAQAR_KEYSTONE_CACHE_SECONDS: "0",
    ZAQAR_KEYSTONE_CACHE_ENTRIES: "500",
    ZAQAR_KEYSTONE_TIMEOUT_MS: "1500",
    ZAQAR_KEYSTONE_MAX_CONCURRENT: "4",
  });
  t.deepEqual(settings, {
    url: "https://keystone.example:5000/v3",
    serviceUser: "svc",
    servicePassword: " pass with spaces ",
    serviceProject: "services",
    serviceDomain: "3f1c",
    cacheTtlMs: 0,
    cacheMaxEntries: 500,
    timeoutMs: 1500,
    maxConcurrent: 4,
  });
});

test("all problems are reported at once, naming each variable", (t) => {
  const err = t.throws(() =>
    readKeystoneSettings({
      ZAQAR_KEYSTONE_URL: "keystone:5000",
      ZAQAR_KEYSTONE_CACHE_SECONDS: "-1",
      ZAQAR_KEYSTONE_CACHE_ENTRIES: "many",
      ZAQAR_KEYSTONE_TIMEOUT_MS: "0",
    }),
  );
  const message = err?.message ?? "";
  t.regex(message, /^invalid Keystone configuration:/);
  for (const name of [
    "ZAQAR_KEYSTONE_URL must be an http:// or https:// URL",
    "ZAQAR_KEYSTONE_SERVICE_USER is required",
    "ZAQAR_KEYSTONE_SERVICE_PASSWORD is required",
    'ZAQAR_KEYSTONE_CACHE_SECONDS must be an integer from 0 to 86400, got "-1"',
    'ZAQAR_KEYSTONE_CACHE_ENTRIES must be an integer from 0 to 10000000, got "many"',
    'ZAQAR_KEYSTONE_TIMEOUT_MS must be an integer from 1 to 600000, got "0"',
  ]) {
    t.true(message.includes(name), name);
  }
});

test("a missing URL is named as required", (t) => {
  const { ZAQAR_KEYSTONE_URL: _, ...rest } = REQUIRED;
  t.throws(() => readKeystoneSettings(rest), { message: /ZAQAR_KEYSTONE_URL is required/ });
});
