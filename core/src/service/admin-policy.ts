/**
 * The admin rule of Zaqar's policy (rest-admin-pools-flavors-health.md §5:
 * `role:admin`), checked in the core from the caller's roles so that every
 * transport enforces it the same way.
 */
import type { CallContext } from "../context.ts";
import { ZaqarError } from "../errors.ts";

/** oslo.policy compares role names case-insensitively. */
export const isAdmin = (ctx: CallContext): boolean => ctx.roles.some((r) => r.toLowerCase() === "admin");

/** Refuses a caller without the admin role (REST 403 "Not authorized"). */
export function requireAdmin(ctx: CallContext): void {
  if (!isAdmin(ctx)) throw new ZaqarError("NOT_AUTHORIZED", "You are not authorized to complete this action.");
}
