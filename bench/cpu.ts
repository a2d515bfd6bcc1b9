/**
 * CPU accounting from /proc: per-process utime+stime of the long-running
 * processes (core, edge, redis, bare server), the bench's waited-for children
 * (cutime+cstime of the bench itself: the load clients, which exit at the end
 * of each scenario), and the whole machine (/proc/stat), so the share of
 * other tenants on this shared box shows too. Units: seconds of CPU.
 */
import { readFileSync } from "node:fs";

const HZ = 100; // USER_HZ on Linux

function statFields(pid: number | "self"): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces; fields start after its closing paren.
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** utime+stime of a process (all threads), seconds; 0 when it is gone. */
export function processCpu(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / HZ : 0;
}

/** CPU of this process's children that have exited and been waited for, seconds. */
export function reapedChildrenCpu(): number {
  const f = statFields("self");
  return f ? (Number(f[13]) + Number(f[14])) / HZ : 0;
}

/** Busy and total CPU seconds of the machine, all cores. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / HZ, total: total / HZ };
}

export interface CpuSnapshot {
  readonly at: number;
  readonly procs: Record<string, number>;
  readonly clients: number;
  /** The bench process itself. */
  readonly self: number;
  readonly machine: { busy: number; total: number };
}

export function snapshot(procs: Record<string, number>): CpuSnapshot {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(procs)) out[name] = processCpu(pid);
  const me = statFields("self");
  const self = me ? (Number(me[11]) + Number(me[12])) / HZ : 0;
  return { at: performance.now(), procs: out, clients: reapedChildrenCpu(), self, machine: machineCpu() };
}

/**
 * CPU seconds spent between two snapshots: one entry per tracked process,
 * "client" (load clients), "bench" (this orchestrator), "other" (the rest of
 * the machine: other tenants) and "machine" (all busy CPU).
 */
export interface CpuUse {
  readonly wallS: number;
  readonly seconds: Readonly<Record<string, number>>;
}

export function cpuUse(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const seconds: Record<string, number> = {};
  let ours = 0;
  const add = (name: string, s: number) => {
    seconds[name] = s;
    ours += s;
  };
  for (const name of Object.keys(b.procs)) add(name, (b.procs[name] ?? 0) - (a.procs[name] ?? 0));
  add("client", b.clients - a.clients);
  add("bench", b.self - a.self);
  const busy = b.machine.busy - a.machine.busy;
  seconds["other"] = Math.max(0, busy - ours);
  seconds["machine"] = busy;
  return { wallS: (b.at - a.at) / 1000, seconds };
}

/** Per process, % of one core (200 = both cores of this machine). */
export function cpuPercent(use: CpuUse): Record<string, number> {
  return Object.fromEntries(Object.entries(use.seconds).map(([k, s]) => [k, Math.round((s / use.wallS) * 100)]));
}

/** Per process, CPU µs spent per message moved (the processes doing the work, not other tenants). */
export function cpuPerMessage(use: CpuUse, messages: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [k, s] of Object.entries(use.seconds)) {
    if (k === "other" || k === "machine" || k === "bench" || s < 0.05) continue;
    out[k] = Math.round((s * 1e6) / Math.max(1, messages));
    total += out[k];
  }
  out["total"] = total;
  return out;
}

/** Per process, CPU µs per request (one decimal; processes under 10 ms left out), and their total. */
export function cpuPerRequest(use: CpuUse, requests: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [k, s] of Object.entries(use.seconds)) {
    if (k === "other" || k === "machine" || k === "bench" || s < 0.01) continue;
    out[k] = Math.round((s * 1e7) / Math.max(1, requests)) / 10;
    total += out[k];
  }
  out["total"] = Math.round(total * 10) / 10;
  return out;
}
