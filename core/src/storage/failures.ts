/**
 * The errors drivers throw, with Zaqar's texts (../shared/spec/rest-messages-claims.md).
 * Drivers build them here so that both drivers phrase every failure the same.
 */
import { ZaqarError } from "../errors.ts";
import type { Scope } from "./driver.ts";

export const queueNotFound = (s: Scope): ZaqarError =>
  new ZaqarError("QUEUE_NOT_FOUND", `Queue ${s.queue} does not exist for project ${s.project}`);

export const messageNotFound = (s: Scope, id: string): ZaqarError =>
  new ZaqarError("MESSAGE_NOT_FOUND", `Message ${id} does not exist in queue ${s.queue} for project ${s.project}`);

export const claimNotFound = (s: Scope, id: string): ZaqarError =>
  new ZaqarError("CLAIM_NOT_FOUND", `Claim ${id} does not exist in queue ${s.queue} for project ${s.project}`);

export const messageClaimed = (): ZaqarError =>
  new ZaqarError("MESSAGE_CLAIMED", "This message is claimed; it cannot be deleted without a valid claim ID.");

export const claimGone = (): ZaqarError =>
  new ZaqarError("CLAIM_GONE", "The specified claim does not exist or has expired.");

export const messageNotClaimed = (): ZaqarError =>
  new ZaqarError("MESSAGE_NOT_CLAIMED", "A claim was specified, but the message is not currently claimed.");

export const versionMismatch = (): ZaqarError =>
  new ZaqarError("QUEUE_VERSION_MISMATCH", "queue metadata changed");

export const storageUnavailable = (cause: unknown): ZaqarError =>
  new ZaqarError("STORAGE_UNAVAILABLE", "Storage is unavailable. Please try again in a few seconds.", { cause });

export const subscriptionNotFound = (id: string): ZaqarError =>
  new ZaqarError("SUBSCRIPTION_NOT_FOUND", `Subscription ${id} does not exist`);

export const subscriptionExists = (): ZaqarError =>
  new ZaqarError(
    "SUBSCRIPTION_EXISTS",
    "Such subscription already exists.Subscriptions are unique by project + queue + subscriber URI.",
  );

export const poolNotFound = (name: string): ZaqarError => new ZaqarError("POOL_NOT_FOUND", `Pool ${name} does not exist`);

export const flavorNotFound = (name: string): ZaqarError => new ZaqarError("FLAVOR_NOT_FOUND", `Flavor ${name} does not exist`);

export const poolUriInUse = (): ZaqarError => new ZaqarError("POOL_URI_IN_USE", "The database URI is in use by another pool.");

export const poolCapabilitiesMismatch = (): ZaqarError =>
  new ZaqarError("POOL_CAPABILITIES_MISMATCH", "The pool being added does not support the minimum set of capabilities");

export const poolInUse = (flavor: string): ZaqarError =>
  new ZaqarError("POOL_IN_USE", `This pool is used by flavors ${flavor}; It cannot be deleted.`);
