/** ZAQAR_AUTH_STRATEGY and the settings that come with it (common/auth/config.ts), as both edges read them. */
import test from "ava";
import { readAuthConfig } from "../../common/auth/config.ts";

const KEYSTONE = {
  ZAQAR_AUTH_STRATEGY: "keystone",
  ZAQAR_KEYSTONE_URL: "http://127.0.0.1:5000",
  ZAQAR_KEYSTONE_SERVICE_USER: "zaqar",
  ZAQAR_KEYSTONE_SERVICE_PASSWORD: "pw",
  ZAQAR_KEYSTONE_SERVICE_PROJECT: "service",
};

test("no setting means no auth and no signed-URL secret", (t) => {
  const problems: string[] = [];
  t.deepEqual(readAuthConfig({}, problems), { strategy: "none", signedUrlSecret: undefined });
  t.deepEqual(problems, []);
});

test("keystone brings the Keystone settings; the signed-URL secret rides along", (t) => {
  const problems: string[] = [];
  const config = readAuthConfig({ ...KEYSTONE, ZAQAR_SIGNED_URL_SECRET: "s3" }, problems);
  t.deepEqual(problems, []);
  t.is(config.strategy, "keystone");
  t.is(config.signedUrlSecret, "s3");
  if (config.strategy === "keystone") {
    t.is(config.keystone.url, "http://127.0.0.1:5000");
    t.is(config.keystone.serviceUser, "zaqar");
  }
});

test("an unknown strategy and keystone without its settings are reported", (t) => {
  const problems: string[] = [];
  readAuthConfig({ ZAQAR_AUTH_STRATEGY: "ldap" }, problems);
  t.regex(problems[0] ?? "", /ZAQAR_AUTH_STRATEGY must be none or keystone, got "ldap"/);
  const more: string[] = [];
  readAuthConfig({ ZAQAR_AUTH_STRATEGY: "keystone" }, more);
  t.true(more.length > 0);
  t.regex(more.join("\n"), /ZAQAR_KEYSTONE_URL/);
});
