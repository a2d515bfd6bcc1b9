/**
 * Reading ZAQAR_* settings: the small parsers every process's config.ts
 * shares (edges and the notifier; the core keeps its own host:port rule,
 * which also accepts ":port"). Process-neutral: imports nothing of ours.
 */

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** pino's levels, the values ZAQAR_LOG_LEVEL takes. */
export const LOG_LEVELS: ReadonlySet<string> = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off", ""]);

/** Parses "host:port" ("[::1]:80" for IPv6); null when malformed. */
export function parseHostPort(value: string): HostPort | null {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value.trim());
  if (!match) return null;
  const port = Number(match[2]);
  if (port > 65535) return null;
  return { host: (match[1] as string).replace(/^\[(.*)\]$/, "$1"), port };
}

/** A boolean setting (1/true/yes/on, 0/false/no/off/empty, any case); undefined when it is none of those. */
export function parseBool(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}
