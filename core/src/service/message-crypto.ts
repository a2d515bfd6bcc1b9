/**
 * At-rest encryption of message bodies (`_enable_encrypt_messages`,
 * ../shared/spec/rest-queues.md §4.3).
 *
 * Sealed form, as stored in place of the body's JSON text:
 *
 *     "~enc1:" + base64(iv[12] ‖ tag[16] ‖ AES-256-GCM(JSON text as UTF-8))
 *
 * Stored bodies are otherwise JSON texts, and no JSON text starts with "~",
 * so a reader tells sealed from plain bodies by their first character, with
 * no per-message flag: messages posted before encryption was turned on (or
 * after it was turned off) read back as they are, sealed ones are opened,
 * whatever the queue's setting is now. "enc1" names this scheme so a later
 * one can live beside it.
 *
 * The key is the SHA-256 of the configured passphrase, as upstream Zaqar
 * derives it. Upstream uses AES-256-CBC without authentication and pickles
 * non-string bodies; that only matters for sharing storage with upstream,
 * which our different storage layout rules out anyway, so we take GCM: a
 * wrong key or a tampered value is detected instead of yielding garbage.
 * The project id is the additional authenticated data, so a value copied
 * into another tenant's queue does not open there (dead-lettering moves
 * messages within one project only).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { NewMessage, QueueMetadata, Scope } from "../storage/driver.ts";

const PREFIX = "~enc1:";
const MARK = 0x7e; // "~"
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface MessageCrypto {
  /** The batch with every body sealed (a new array; other fields kept as they are). */
  sealAll(messages: readonly NewMessage[], scope: Scope): NewMessage[];
  /**
   * A stored body as the UTF-8 bytes of its JSON text: plain bodies as they
   * are, sealed ones opened. A sealed body that does not open (another key,
   * a damaged value, an unknown scheme) comes back as a JSON string holding
   * the stored text, and is logged (ids only).
   *
   * Why not fail the call: by the time a claim or pop reads bodies, storage
   * has already claimed or deleted the messages, so an error would lose
   * popped messages and turn one bad message at the head of a queue into a
   * poison pill that fails every claim. Returning the stored text keeps the
   * queue usable (the consumer can delete or dead-letter the message), loses
   * nothing (whoever has the right key can still open it), and matches what
   * upstream Zaqar hands out on its paths that do not decrypt: the
   * ciphertext as a string body.
   */
  open(stored: string, scope: Scope, messageId: string): Buffer;
}

/** True when the queue's metadata asks for encrypted bodies (validation admits only booleans when truthy). */
export function encryptsMessages(meta: QueueMetadata): boolean {
  return meta["_enable_encrypt_messages"] === true;
}

export function createMessageCrypto(passphrase: string, log: Logger): MessageCrypto {
  const key = createHash("sha256").update(passphrase, "utf8").digest();

  const seal = (text: string, aad: Buffer): string => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const head = cipher.update(text, "utf8");
    const tail = cipher.final();
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), head, tail]).toString("base64");
  };

  const tryOpen = (stored: string, aad: Buffer): Buffer | null => {
    if (!stored.startsWith(PREFIX)) return null;
    const raw = Buffer.from(stored.slice(PREFIX.length), "base64");
    if (raw.length < IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const head = decipher.update(raw.subarray(IV_BYTES + TAG_BYTES));
      return Buffer.concat([head, decipher.final()]);
    } catch {
      return null;
    }
  };

  return {
    sealAll(messages, scope) {
      const aad = Buffer.from(scope.project, "utf8");
      // Spread, so fields added to NewMessage later travel along.
      return messages.map((m) => ({ ...m, body: seal(m.body, aad) }));
    },
    open(stored, scope, messageId) {
      if (stored.charCodeAt(0) !== MARK) return Buffer.from(stored, "utf8");
      const plain = tryOpen(stored, Buffer.from(scope.project, "utf8"));
      if (plain !== null) return plain;
      log.error(
        { project: scope.project, queue: scope.queue, messageId },
        "message body could not be decrypted (wrong ZAQAR_MESSAGE_ENCRYPTION_KEY or damaged value); returned as stored",
      );
      return Buffer.from(JSON.stringify(stored), "utf8");
    },
  };
}
