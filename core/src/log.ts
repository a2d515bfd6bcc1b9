/** The core's root logger: pino JSON on stdout, named after the process. */
import { pino, type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({ name: "core", level });
}
