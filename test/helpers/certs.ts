/**
 * Throwaway certificates for mutual-TLS tests, made with the `openssl` CLI in
 * a temp dir: a CA, a core (server) certificate for 127.0.0.1 and localhost,
 * client certificates signed by that CA, and a second CA with a client
 * certificate of its own (the "stranger"), and an expired client certificate.
 * EC P-256 keys, valid one day.
 *
 *   const pki = makeTestPki();   // throws with an install hint without openssl
 *   ... pki.core.cert, pki.client.key, pki.ca ...
 *   pki.remove();
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Paths of one certificate and its key (PEM). */
export interface Pair {
  readonly cert: string;
  readonly key: string;
}

export interface TestPki {
  readonly dir: string;
  /** The CA (cert) of the core and its callers. */
  readonly ca: string;
  /** The core's certificate: SAN IP:127.0.0.1 and DNS:localhost, serverAuth and clientAuth. */
  readonly core: Pair;
  /** A caller's certificate from the CA (clientAuth). */
  readonly client: Pair;
  /** Another CA's certificate, and a caller certificate it signed. */
  readonly otherCa: string;
  readonly stranger: Pair;
  /** A caller's certificate from the CA that expired in 2020. */
  readonly expired: Pair;
  /** Deletes the directory. */
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === "ENOENT") {
      throw new Error("the mutual-TLS tests need the openssl CLI to make certificates: install it (apt-get install openssl)");
    }
    throw new Error(`openssl ${args.join(" ")} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    "req", "-x509", ...EC, "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "1", "-subj", `/CN=zaqar-ts test ${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

function makeLeaf(dir: string, name: string, ca: string, extensions: string): Pair {
  writeFileSync(join(dir, `${name}.ext`), `basicConstraints=CA:FALSE\n${extensions}\n`);
  openssl(dir, ["req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=zaqar-ts test ${name}`]);
  openssl(dir, [
    "x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`, "-CAcreateserial",
    "-out", `${name}.pem`, "-days", "1", "-extfile", `${name}.ext`,
  ]);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

/** A certificate valid only in the past: `openssl x509` takes no dates, `openssl ca` does. */
function makeExpired(dir: string, name: string, ca: string): Pair {
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), "1000\n");
  writeFileSync(
    join(dir, "ca.cnf"),
    "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = any\n[any]\ncommonName = supplied\n",
  );
  openssl(dir, ["req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=zaqar-ts test ${name}`]);
  openssl(dir, [
    "ca", "-batch", "-config", "ca.cnf", "-cert", `${ca}.pem`, "-keyfile", `${ca}.key`, "-in", `${name}.csr`, "-out", `${name}.pem`,
    "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext",
  ]);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "zaqar-pki-"));
  try {
    makeCa(dir, "ca");
    makeCa(dir, "other-ca");
    const core = makeLeaf(dir, "core", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth");
    const client = makeLeaf(dir, "client", "ca", "extendedKeyUsage=clientAuth");
    const stranger = makeLeaf(dir, "stranger", "other-ca", "extendedKeyUsage=clientAuth");
    const expired = makeExpired(dir, "expired", "ca");
    return {
      dir,
      ca: join(dir, "ca.pem"),
      core,
      client,
      otherCa: join(dir, "other-ca.pem"),
      stranger,
      expired,
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
