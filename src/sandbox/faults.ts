// Fault injection for the sandbox: error rates, 429 bursts, latency, dropped connections and replies
// lost after the change was made. Seeded, so a failing run can be replayed.
import { UsageError } from "../errors.js";

export interface FaultSpec {
  /** share of requests answered 500 before doing anything */
  error: number;
  /** share answered 429 with Retry-After */
  rate429: number;
  /** Retry-After seconds on injected and real 429s */
  retryAfter: number;
  /** share whose connection drops before anything is done */
  drop: number;
  /** share done, then the connection drops before the reply */
  lost: number;
  /** every Nth write fails with 500 / loses its reply (0 = off) */
  errorEvery: number;
  lostEvery: number;
  rate429Every: number;
  /** latency range in ms */
  latencyMin: number;
  latencyMax: number;
  /** faults hit only writes (default) or every request */
  scope: "writes" | "all";
  /** requests naming this text (a number, a group ID) always fail with 500 */
  failFor: string[];
  /** the sandbox's own write limit per rolling minute, like WhatsApp's (default 600); 0 = none */
  rateLimit: number;
  /** Get Groups answers at most this many per page */
  pageCap: number;
  seed: number;
}

export const NO_FAULTS: FaultSpec = {
  error: 0,
  rate429: 0,
  retryAfter: 1,
  drop: 0,
  lost: 0,
  errorEvery: 0,
  lostEvery: 0,
  rate429Every: 0,
  latencyMin: 0,
  latencyMax: 0,
  scope: "writes",
  failFor: [],
  rateLimit: 600,
  pageCap: 500,
  seed: 1,
};

/** "error=0.1,lost=0.05,429=0.2,retryAfter=2,latency=20-80,drop=0.01,seed=7,failFor=14155550199" */
export function parseFaults(spec: string | undefined): FaultSpec {
  const f: FaultSpec = { ...NO_FAULTS, failFor: [] };
  if (!spec) return f;
  for (const part of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [k, v = ""] = part.split("=", 2) as [string, string?];
    const n = Number(v);
    const rate = () => {
      if (!(n >= 0 && n <= 1)) throw new UsageError(`--faults: ${k} must be a rate from 0 to 1 (got "${v}")`);
      return n;
    };
    const int = () => {
      if (!(Number.isInteger(n) && n >= 0))
        throw new UsageError(`--faults: ${k} must be a whole number (got "${v}")`);
      return n;
    };
    switch (k) {
      case "error":
        f.error = rate();
        break;
      case "429":
      case "rate429":
        f.rate429 = rate();
        break;
      case "drop":
        f.drop = rate();
        break;
      case "lost":
        f.lost = rate();
        break;
      case "errorEvery":
        f.errorEvery = int();
        break;
      case "lostEvery":
        f.lostEvery = int();
        break;
      case "429Every":
      case "rate429Every":
        f.rate429Every = int();
        break;
      case "retryAfter":
        f.retryAfter = int();
        break;
      case "latency": {
        const m = /^(\d+)(?:-(\d+))?$/.exec(v);
        if (!m) throw new UsageError(`--faults: latency takes MS or MIN-MAX (got "${v}")`);
        f.latencyMin = Number(m[1]);
        f.latencyMax = Number(m[2] ?? m[1]);
        break;
      }
      case "scope":
        if (v !== "writes" && v !== "all")
          throw new UsageError(`--faults: scope is writes or all (got "${v}")`);
        f.scope = v;
        break;
      case "failFor":
        f.failFor.push(...v.split("|").filter(Boolean));
        break;
      case "ratelimit":
      case "rateLimit":
        f.rateLimit = int();
        break;
      case "pageCap":
        f.pageCap = Math.max(1, int());
        break;
      case "seed":
        f.seed = int();
        break;
      default:
        throw new UsageError(`--faults: unknown fault "${k}"`);
    }
  }
  return f;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultDecision =
  | { kind: "none"; delayMs: number }
  | { kind: "error"; delayMs: number }
  | { kind: "429"; delayMs: number }
  | { kind: "drop"; delayMs: number }
  | { kind: "lost"; delayMs: number };

export class FaultInjector {
  private readonly random: () => number;
  private writes = 0;
  constructor(readonly spec: FaultSpec) {
    this.random = seededRandom(spec.seed);
  }

  decide(isWrite: boolean, text: string): FaultDecision {
    const s = this.spec;
    const delayMs =
      s.latencyMax > 0 ? Math.round(s.latencyMin + this.random() * (s.latencyMax - s.latencyMin)) : 0;
    if (s.failFor.some((m) => text.includes(m))) return { kind: "error", delayMs };
    if (!isWrite && s.scope === "writes") return { kind: "none", delayMs };
    if (isWrite) {
      this.writes++;
      if (s.errorEvery && this.writes % s.errorEvery === 0) return { kind: "error", delayMs };
      if (s.lostEvery && this.writes % s.lostEvery === 0) return { kind: "lost", delayMs };
      if (s.rate429Every && this.writes % s.rate429Every === 0) return { kind: "429", delayMs };
    }
    const r = this.random();
    let edge = s.error;
    if (r < edge) return { kind: "error", delayMs };
    edge += s.rate429;
    if (r < edge) return { kind: "429", delayMs };
    edge += s.drop;
    if (r < edge) return { kind: "drop", delayMs };
    edge += isWrite ? s.lost : 0;
    if (r < edge) return { kind: "lost", delayMs };
    return { kind: "none", delayMs };
  }
}
