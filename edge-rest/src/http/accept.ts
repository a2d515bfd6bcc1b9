/**
 * Falcon's `req.client_accepts_json`: python-mimeparse quality of
 * application/json against the Accept header (most specific range wins; its q
 * must be non-zero). A missing or empty header accepts everything; an
 * unparseable one accepts nothing.
 */

const cache = new Map<string, boolean>();
const CACHE_LIMIT = 256;

interface Range {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

function parseRange(text: string): Range | null {
  const parts = text.split(";");
  let q = 1;
  for (let i = 1; i < parts.length; i++) {
    const param = parts[i] as string;
    const eq = param.indexOf("=");
    if (eq < 0) return null; // dict() of a 1-tuple: Python raises ValueError
    const key = param.slice(0, eq).trim();
    if (key === "q" || key === "Q") {
      const value = param.slice(eq + 1).trim();
      const n = Number(value);
      // mimeparse: empty, unparseable or out-of-range q counts as 1.
      q = value === "" || Number.isNaN(n) || n < 0 || n > 1 ? 1 : n;
    }
  }
  let full = (parts[0] as string).trim();
  if (full === "*") full = "*/*";
  const slash = full.split("/");
  if (full.indexOf("/") < 0 || slash.length > 2) return null;
  return { type: (slash[0] as string).trim(), subtype: (slash[1] as string).trim(), q };
}

function compute(accept: string): boolean {
  if (accept === "application/json" || accept === "*/*") return true;
  let bestFitness = -1;
  let bestQ = 0;
  for (const item of accept.split(",")) {
    const range = parseRange(item);
    if (range === null) return false;
    const typeMatch = range.type === "application" || range.type === "*";
    const subtypeMatch = range.subtype === "json" || range.subtype === "*";
    if (!typeMatch || !subtypeMatch) continue;
    const fitness = (range.type === "application" ? 100 : 0) + (range.subtype === "json" ? 10 : 0) + 1;
    if (fitness > bestFitness) {
      bestFitness = fitness;
      bestQ = range.q;
    }
  }
  return bestQ !== 0;
}

export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept === "") return true;
  let ok = cache.get(accept);
  if (ok === undefined) {
    ok = compute(accept);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(accept, ok);
  }
  return ok;
}
