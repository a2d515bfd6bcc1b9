/**
 * The REST edge's root logger: pino JSON on stdout, named "edge-rest".
 * Request loggers are children carrying reqId and project; bodies are never logged.
 */
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ name: "edge-rest", level });
}
