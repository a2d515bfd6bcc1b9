/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time per
 * function and per origin (our code by directory, each npm package, Node
 * internals, GC), so a missed target comes with where the time went.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  /** Share of samples that were idle (the process waiting). */
  readonly idlePct: number;
  readonly topFunctions: Array<{ name: string; where: string; selfMs: number; pct: number }>;
  readonly byOrigin: Array<{ origin: string; selfMs: number; pct: number }>;
}

function origin(url: string, name: string): string {
  if (name === "(garbage collector)") return "GC";
  if (name === "(program)") return "V8/native (program)";
  if (name === "(idle)") return "idle";
  if (url === "") return "native/builtin";
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const ours = /\/work\/[^/]+\/(.*)$/.exec(url.replace(/^file:\/\//, ""));
  if (ours) return (ours[1] as string).split("/").slice(0, -1).join("/") || "(root)";
  return url;
}

function shortUrl(url: string): string {
  const u = url.replace(/^file:\/\//, "");
  const nm = u.lastIndexOf("node_modules/");
  if (nm >= 0) return u.slice(nm + "node_modules/".length);
  return u.replace(/^\/work\/[^/]+\//, "");
}

/** A time window in µs of the monotonic clock V8 stamps profiles with (= process.hrtime on Linux). */
export interface Window {
  readonly startUs: number;
  readonly endUs: number;
}

export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Self time per function and origin; only samples inside `window` when given (one scenario of a whole-run profile). */
export function summariseProfile(file: string, window?: Window, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window.startUs || t > window.endUs)) return;
    self.set(id, (self.get(id) ?? 0) + dt);
  });

  const fns = new Map<string, { name: string; where: string; us: number }>();
  const origins = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const cf = (byId.get(id) as ProfileNode).callFrame;
    total += us;
    if (cf.functionName === "(idle)") {
      idle += us;
      continue;
    }
    const where = cf.url ? `${shortUrl(cf.url)}:${cf.lineNumber + 1}` : "";
    const key = `${cf.functionName}@${where}`;
    const f = fns.get(key) ?? { name: cf.functionName || "(anonymous)", where, us: 0 };
    f.us += us;
    fns.set(key, f);
    const o = origin(cf.url, cf.functionName);
    origins.set(o, (origins.get(o) ?? 0) + us);
  }
  const busy = total - idle || 1;
  const pct = (us: number) => Math.round((us / busy) * 1000) / 10;
  return {
    file,
    totalMs: Math.round(total / 1000),
    idlePct: Math.round((idle / (total || 1)) * 1000) / 10,
    topFunctions: [...fns.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ name: f.name, where: f.where, selfMs: Math.round(f.us / 1000), pct: pct(f.us) })),
    byOrigin: [...origins.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([o, us]) => ({ origin: o, selfMs: Math.round(us / 1000), pct: pct(us) })),
  };
}

/**
 * The main-thread profile in `dir` (the tsx loader's worker thread writes one
 * too): files are named CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile.
 */
export function mainThreadProfile(dir: string): string | null {
  try {
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile") && f.split(".")[4] === "0");
    return file ? join(dir, file) : null;
  } catch {
    return null;
  }
}

export function printProfile(label: string, s: ProfileSummary): void {
  console.log(`\nprofile ${label} (${s.totalMs} ms sampled, ${s.idlePct}% idle; shares are of busy time): ${s.file}`);
  console.log("  by origin:");
  for (const o of s.byOrigin) console.log(`    ${o.pct.toFixed(1).padStart(5)}%  ${o.origin}`);
  console.log("  top self-time functions:");
  for (const f of s.topFunctions) console.log(`    ${f.pct.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
}

// `node --import tsx bench/profile.ts <file.cpuprofile>...` summarises profiles after the fact.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) printProfile("", summariseProfile(file, undefined, 25));
}
