/**
 * The notifier's root logger (pino JSON on stdout, named "notifier") and the
 * wording of its log events in one place. Job logs carry ids, the project,
 * queue and subscription, attempt counts and outcome details; never bodies,
 * webhook URLs, headers or mail addresses (they may hold credentials).
 */
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ name: "notifier", level });
}

export const events = {
  started: "notifier started",
  stopping: "notifier stopping: no new leases, finishing deliveries in flight",
  stopped: "notifier stopped",
  drainTimeout: "notifier stopped with deliveries still in flight; their leases will expire and another notifier will deliver them",
  leaseFailed: "could not lease jobs from the core; retrying",
  leaseRecovered: "leasing from the core again",
  delivered: "delivered",
  retryScheduled: "delivery failed; retry scheduled",
  gaveUp: "delivery failed; giving up after the retry policy's last attempt",
  permanentFailure: "delivery failed and will not be retried",
  noDelivery: "job carries no delivery; dropping it",
  handedBack: "handed a job back to the core",
  ackFailed: "could not acknowledge jobs; will try again",
  retryFailed: "could not hand a failed job back; its lease will expire and it will be retried then",
  healthListening: "health check listening",
} as const;
