/**
 * Keystone could not be asked (unreachable, 5xx, timeout, bad service credentials):
 * the edge answers 503, never 401. Defined here so the HTTP client and the validator
 * can both throw it; import it from ./keystone.ts.
 */
export class KeystoneUnavailable extends Error {
  override readonly name = "KeystoneUnavailable";
}
