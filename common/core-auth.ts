/**
 * How internal callers and the core authenticate each other: the settings
 * every process reads under the same names, parsed and checked once at start.
 *
 *   ZAQAR_CORE_SECRET    A shared secret. On the core: every call on both of
 *                        its ports must carry `authorization: Bearer <secret>`,
 *                        else UNAUTHENTICATED. On a client (edges, notifier):
 *                        sent with every call.
 *   ZAQAR_CORE_TLS_CERT  PEM files: this process's certificate (chain) and
 *   ZAQAR_CORE_TLS_KEY   private key, and the CA that signs the certificates of
 *   ZAQAR_CORE_TLS_CA    the core and its callers. On the core: both ports
 *                        serve TLS with that certificate and require a client
 *                        certificate signed by the CA (mutual TLS). On a
 *                        client: it presents its certificate and accepts only a
 *                        core whose certificate the CA signed and which names
 *                        the host of ZAQAR_CORE_URL.
 *
 * Either, both or neither may be set; neither is plain h2c without a secret.
 * The three TLS files go together. Process-neutral: imports nothing of ours.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

/** The variables, in the order they are documented. */
export const CORE_AUTH_VARIABLES = ["ZAQAR_CORE_SECRET", "ZAQAR_CORE_TLS_CERT", "ZAQAR_CORE_TLS_KEY", "ZAQAR_CORE_TLS_CA"] as const;

/** Mutual TLS material, read from the files at start. */
export interface CoreTls {
  /** PEM certificate chain this process presents (ZAQAR_CORE_TLS_CERT). */
  readonly cert: Buffer;
  /** PEM private key of that certificate (ZAQAR_CORE_TLS_KEY). */
  readonly key: Buffer;
  /** PEM CA certificate(s) the peer's certificate must chain to (ZAQAR_CORE_TLS_CA). */
  readonly ca: Buffer;
  /** Where the three came from, for logs. */
  readonly files: { readonly cert: string; readonly key: string; readonly ca: string };
}

export interface CoreAuth {
  /** ZAQAR_CORE_SECRET; null when unset. Never log it. */
  readonly secret: string | null;
  /** ZAQAR_CORE_TLS_*; null when unset. */
  readonly tls: CoreTls | null;
}

/** Shorter secrets are refused: the secret guards every tenant's data. */
export const MIN_SECRET_LENGTH = 16;
/** Visible ASCII only: the secret travels in an HTTP/2 header. */
const SECRET_CHARS = /^[\x21-\x7e]+$/;

/**
 * Reads the settings from `env`. Problems are appended to `problems` (the
 * caller's config reports them with its own); the answer is undefined when
 * none of the variables is set, or when something is wrong.
 */
export function readCoreAuth(env: NodeJS.ProcessEnv, problems: string[]): CoreAuth | undefined {
  const before = problems.length;
  const secret = readSecret(env["ZAQAR_CORE_SECRET"], problems);
  const tls = readTls(env, problems);
  if (problems.length > before || (secret === null && tls === null)) return undefined;
  return Object.freeze({ secret, tls });
}

function readSecret(raw: string | undefined, problems: string[]): string | null {
  if (raw === undefined || raw === "") return null;
  if (!SECRET_CHARS.test(raw)) {
    problems.push("ZAQAR_CORE_SECRET must be visible ASCII characters without spaces (e.g. the output of `openssl rand -hex 32`)");
    return null;
  }
  if (raw.length < MIN_SECRET_LENGTH) {
    problems.push(`ZAQAR_CORE_SECRET must be at least ${MIN_SECRET_LENGTH} characters long, got ${raw.length}`);
    return null;
  }
  return raw;
}

function readTls(env: NodeJS.ProcessEnv, problems: string[]): CoreTls | null {
  const names = ["ZAQAR_CORE_TLS_CERT", "ZAQAR_CORE_TLS_KEY", "ZAQAR_CORE_TLS_CA"] as const;
  const paths = names.map((name) => env[name]?.trim() ?? "");
  const missing = names.filter((_, i) => paths[i] === "");
  if (missing.length === names.length) return null;
  if (missing.length > 0) {
    problems.push(`ZAQAR_CORE_TLS_CERT, ZAQAR_CORE_TLS_KEY and ZAQAR_CORE_TLS_CA must be set together (unset: ${missing.join(", ")})`);
    return null;
  }
  const [certPath, keyPath, caPath] = paths as [string, string, string];
  const before = problems.length;
  const read = (name: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      problems.push(`${name}: cannot read "${path}": ${(err as Error).message}`);
      return Buffer.alloc(0);
    }
  };
  const cert = read("ZAQAR_CORE_TLS_CERT", certPath);
  const key = read("ZAQAR_CORE_TLS_KEY", keyPath);
  const ca = read("ZAQAR_CORE_TLS_CA", caPath);
  if (problems.length > before) return null;

  // Checked here so that a wrong file fails the start with its name, not the first handshake.
  const own = parse(() => new X509Certificate(cert), `ZAQAR_CORE_TLS_CERT: "${certPath}" is not a PEM certificate`, problems);
  const privateKey = parse(() => createPrivateKey(key), `ZAQAR_CORE_TLS_KEY: "${keyPath}" is not a PEM private key`, problems);
  parse(() => new X509Certificate(ca), `ZAQAR_CORE_TLS_CA: "${caPath}" is not a PEM certificate`, problems);
  if (own && privateKey) checkPair(own, privateKey, certPath, keyPath, problems);
  if (problems.length > before) return null;
  return Object.freeze({ cert, key, ca, files: Object.freeze({ cert: certPath, key: keyPath, ca: caPath }) });
}

function parse<T>(make: () => T, problem: string, problems: string[]): T | null {
  try {
    return make();
  } catch (err) {
    problems.push(`${problem} (${(err as Error).message})`);
    return null;
  }
}

function checkPair(cert: X509Certificate, key: KeyObject, certPath: string, keyPath: string, problems: string[]): void {
  if (!cert.checkPrivateKey(key)) {
    problems.push(`ZAQAR_CORE_TLS_KEY: "${keyPath}" is not the private key of the certificate in "${certPath}"`);
  }
  const expires = Date.parse(cert.validTo);
  if (expires < Date.now()) problems.push(`ZAQAR_CORE_TLS_CERT: the certificate in "${certPath}" expired on ${cert.validTo}`);
}

/** The `authorization` header value a client sends: `Bearer <secret>`. */
export function bearer(secret: string): string {
  return `Bearer ${secret}`;
}
