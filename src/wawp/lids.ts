// Privacy IDs (`…@lid`) the engine gave without a number, mapped through `GET /lids/{lid}`: at
// most one read per ID for the client's lifetime, and none once the server shows it has no such route.
import { ApiError } from "../errors.js";
import { engineId } from "../jid.js";
import type { LiveParticipant } from "../live/types.js";
import { mapLimit } from "../pool.js";
import { UNSUPPORTED_STATUSES } from "./errors.js";
import { idString, isObj } from "./read.js";

export class LidResolver {
  private missing = false;
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly get: (operation: string, path: string) => Promise<unknown>,
    private readonly concurrency = 8,
  ) {}

  /** The number behind a privacy ID, or undefined when the server does not know it (`pn: null`). */
  pnOf(lid: string): Promise<string | undefined> {
    let p = this.cache.get(lid);
    if (!p) {
      p = this.lookUp(lid);
      this.cache.set(lid, p);
    }
    return p;
  }

  private async lookUp(lid: string): Promise<string | undefined> {
    if (this.missing) return undefined;
    let body: unknown;
    try {
      body = await this.get("resolve privacy ID", `/lids/${encodeURIComponent(lid)}`);
    } catch (e) {
      if (!(e instanceof ApiError && UNSUPPORTED_STATUSES.includes(e.status))) throw e;
      // most engines answer an unknown ID 200 with pn null, ZAPO 404 "Not Found"; only Nest's
      // "Cannot GET" (or a 405/422/501) says the route itself is missing
      if (e.status !== 404 || isRouteMissing(e.body)) this.missing = true;
      return undefined;
    }
    const pn = isObj(body) ? idString(body.pn) : undefined;
    const read = pn ? engineId(pn) : undefined;
    return read?.kind === "pn" ? read.jid : undefined;
  }

  /** Participants with every resolvable `@lid` replaced by its number (the lid kept), deduplicated. */
  async resolve(list: LiveParticipant[]): Promise<LiveParticipant[]> {
    if (!list.some((p) => p.jid.endsWith("@lid"))) return list;
    await this.prefetch(list.filter((p) => p.jid.endsWith("@lid")).map((p) => p.jid));
    const byJid = new Map<string, LiveParticipant>();
    for (const p of list) {
      const pn = p.jid.endsWith("@lid") ? await this.pnOf(p.jid) : undefined;
      const q = pn ? { ...p, jid: pn } : p;
      if (!byJid.has(q.jid)) byJid.set(q.jid, q);
    }
    return [...byJid.values()];
  }

  /** Look many IDs up at once, a few in flight. */
  async prefetch(lids: string[]): Promise<void> {
    const todo = [...new Set(lids)].filter((l) => !this.cache.has(l));
    await mapLimit(todo, this.concurrency, (l) => this.pnOf(l));
  }
}

/** NestJS's answer for a path no controller serves: `{message: "Cannot GET /…", statusCode: 404}`. */
export function isRouteMissing(body: unknown): boolean {
  return (
    isObj(body) && typeof body.message === "string" && /^Cannot (GET|PUT|POST|DELETE) \//.test(body.message)
  );
}
