/**
 * The WebSocket edge's root logger: pino JSON on stdout, named "edge-ws".
 * Frames and bodies are never logged.
 */
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ name: "edge-ws", level });
}
