// Which live group belongs to which manifest: the pinned ID first, then the serial in the subject.
import type { LiveGroup } from "../live/types.js";
import { subjectMatcher } from "../manifest/subject.js";
import type { Config, DesiredGroup } from "../manifest/types.js";

export interface Identity {
  /** serial -> its live group */
  matched: Map<string, LiveGroup>;
  /** serial -> every live group claiming it, when more than one does (blocked) */
  duplicates: Map<string, LiveGroup[]>;
  /** serial -> why the pinned ID could not be used (blocked) */
  missingPins: Map<string, string>;
  /** ours, carrying a serial no manifest declares */
  orphans: { group: LiveGroup; serial: string }[];
  /** carry a declared serial but lost to a pinned group */
  shadowed: { group: LiveGroup; serial: string }[];
  /** matched by serial only after folding look-alike characters (dashes, spaces): warned about */
  normalized: { group: LiveGroup; serial: string }[];
  /** serial -> why its pin is refused: the pinned group's subject carries another declared serial (blocked) */
  takeovers: Map<string, string>;
}

export function matchGroups(
  desired: readonly DesiredGroup[],
  live: readonly LiveGroup[],
  config: Config,
): Identity {
  const match = subjectMatcher(config.subjectFormat, config.serialPattern);
  const byId = new Map(live.map((g) => [g.id, g]));
  const declared = new Map(desired.map((d) => [d.serial, d]));
  const matched = new Map<string, LiveGroup>();
  const duplicates = new Map<string, LiveGroup[]>();
  const missingPins = new Map<string, string>();
  const taken = new Set<string>();
  const takeovers = new Map<string, string>();
  for (const d of desired) {
    if (!d.id) continue;
    const g = byId.get(d.id);
    if (!g) continue;
    // a pin may not take over another manifest's group (a copied or malicious `id`)
    const claimed = match(g.subject)?.serial;
    if (claimed && claimed !== d.serial && declared.has(claimed)) {
      takeovers.set(
        d.serial,
        `pinned group ${d.id} is "${g.subject}", which carries serial ${claimed} of another manifest; a pin cannot take over another manifest's group`,
      );
      continue;
    }
    matched.set(d.serial, g);
    taken.add(g.id);
  }
  const claims = new Map<string, LiveGroup[]>();
  const orphans: Identity["orphans"] = [];
  const shadowed: Identity["shadowed"] = [];
  const normalized: Identity["normalized"] = [];
  for (const g of live) {
    if (taken.has(g.id)) continue;
    const m = match(g.subject);
    if (!m) continue; // not the reconciler's business
    const serial = m.serial;
    if (m.normalized && declared.has(serial)) normalized.push({ group: g, serial });
    const d = declared.get(serial);
    if (!d) {
      if (isOurs(g, config.self)) orphans.push({ group: g, serial });
      continue;
    }
    if (matched.has(serial)) {
      shadowed.push({ group: g, serial });
      continue;
    }
    claims.set(serial, [...(claims.get(serial) ?? []), g]);
  }
  for (const [serial, groups] of claims) {
    if (groups.length === 1) matched.set(serial, groups[0]!);
    else duplicates.set(serial, groups);
  }
  for (const d of desired) {
    if (d.id && !matched.has(d.serial) && !duplicates.has(d.serial) && !takeovers.has(d.serial) && !d.retired)
      missingPins.set(
        d.serial,
        `pinned group ${d.id} is not among the instance's groups (remove \`id\` to create a new one)`,
      );
  }
  return { matched, duplicates, missingPins, orphans, shadowed, normalized, takeovers };
}

/** Created by the instance: its owner, or (when the engine does not name an owner) its superadmin. */
export function isOurs(g: LiveGroup, self: string | undefined): boolean {
  if (!self) return false;
  if (g.owner) return g.owner === self;
  return g.participants?.some((p) => p.jid === self && p.role === "superadmin") ?? false;
}

/**
 * The instance's own number when the configuration does not give it: the one person in every group
 * the instance can see (the listing holds only groups it is in). Undefined when that is ambiguous.
 */
export function inferSelf(live: readonly LiveGroup[]): string | undefined {
  let common: Set<string> | undefined;
  for (const g of live) {
    if (!g.participants) return undefined;
    const here = new Set(g.participants.map((p) => p.jid).filter((j) => j.endsWith("@c.us")));
    common = common ? new Set([...common].filter((j) => here.has(j))) : here;
    if (common.size === 0) return undefined;
  }
  return common && common.size === 1 ? [...common][0] : undefined;
}

/** A listed group matched to a manifest's serial as its page arrives (or, for `late`, after the last page). */
export interface StreamMatch {
  serial: string;
  group: LiveGroup;
  /** matched only after folding look-alike characters (the plan warns) */
  normalized: boolean;
}

/** What matching the whole listing decided, kept without the groups (those were planned as they came). */
export interface StreamedIdentity {
  /** serials that have their live group */
  matched: Set<string>;
  duplicates: Map<string, { id: string }[]>;
  missingPins: Map<string, string>;
  takeovers: Map<string, string>;
  orphans: { group: Pick<LiveGroup, "id" | "subject">; serial: string }[];
  shadowed: { group: Pick<LiveGroup, "id" | "subject">; serial: string }[];
  /** matched only now: carriers of a pinned serial whose pin was not listed */
  late: StreamMatch[];
}

/**
 * matchGroups a page at a time, deciding the same. A group is offered once; it is matched at once by
 * its pinned ID, or as the first group carrying an unpinned serial (a second one turns the serial into
 * a duplicate, and `offer` names it so the caller drops the first's plan). Only ids and subjects of
 * what spans pages are kept, and whole groups only where a pinned serial's fate waits for the pin.
 */
export class IdentityStream {
  private readonly match: ReturnType<typeof subjectMatcher>;
  private readonly declared: Map<string, DesiredGroup>;
  private readonly pins = new Map<string, DesiredGroup[]>();
  private readonly pinnedSerials = new Set<string>();
  private readonly pinMatched = new Set<string>();
  private readonly takeovers = new Map<string, string>();
  /** unpinned serial -> the ids of the groups carrying it, in listing order */
  private readonly claims = new Map<string, string[]>();
  /** groups carrying a pinned serial, in listing order: shadowed if the pin is listed, else claims */
  private readonly waiting: { group: LiveGroup; serial: string; normalized: boolean }[] = [];
  private readonly orphans: StreamedIdentity["orphans"] = [];

  constructor(
    private readonly desired: readonly DesiredGroup[],
    private readonly config: Config,
  ) {
    this.match = subjectMatcher(config.subjectFormat, config.serialPattern);
    this.declared = new Map(desired.map((d) => [d.serial, d]));
    for (const d of desired)
      if (d.id) {
        this.pins.set(d.id, [...(this.pins.get(d.id) ?? []), d]);
        this.pinnedSerials.add(d.serial);
      }
  }

  /** One listed group: the serials it is matched to now, and a serial it made a duplicate, if any. */
  offer(g: LiveGroup): { matched: StreamMatch[]; duplicate?: string } {
    const matched: StreamMatch[] = [];
    let taken = false;
    for (const d of this.pins.get(g.id) ?? []) {
      // a pin may not take over another manifest's group (a copied or malicious `id`)
      const claimed = this.match(g.subject)?.serial;
      if (claimed && claimed !== d.serial && this.declared.has(claimed)) {
        this.takeovers.set(
          d.serial,
          `pinned group ${d.id} is "${g.subject}", which carries serial ${claimed} of another manifest; a pin cannot take over another manifest's group`,
        );
        continue;
      }
      this.pinMatched.add(d.serial);
      matched.push({ serial: d.serial, group: g, normalized: false });
      taken = true;
    }
    if (taken) return { matched };
    const m = this.match(g.subject);
    if (!m) return { matched }; // not the reconciler's business
    const { serial } = m;
    const normalized = m.normalized && this.declared.has(serial);
    if (!this.declared.has(serial)) {
      if (isOurs(g, this.config.self)) this.orphans.push({ group: { id: g.id, subject: g.subject }, serial });
      return { matched };
    }
    if (this.pinnedSerials.has(serial)) {
      this.waiting.push({ group: g, serial, normalized });
      return { matched };
    }
    const ids = this.claims.get(serial);
    if (!ids) {
      this.claims.set(serial, [g.id]);
      matched.push({ serial, group: g, normalized });
      return { matched };
    }
    ids.push(g.id);
    return { matched, duplicate: serial };
  }

  /** After the last page: duplicates, missing pins, orphans, shadowed groups, and the late matches. */
  end(): StreamedIdentity {
    const matched = new Set(this.pinMatched);
    const duplicates = new Map<string, { id: string }[]>();
    const shadowed: StreamedIdentity["shadowed"] = [];
    const late = new Map<string, StreamMatch[]>();
    for (const w of this.waiting) {
      if (this.pinMatched.has(w.serial))
        shadowed.push({ group: { id: w.group.id, subject: w.group.subject }, serial: w.serial });
      else late.set(w.serial, [...(late.get(w.serial) ?? []), { ...w }]);
    }
    for (const [serial, ids] of this.claims) {
      if (ids.length === 1) matched.add(serial);
      else
        duplicates.set(
          serial,
          ids.map((id) => ({ id })),
        );
    }
    const single: StreamMatch[] = [];
    for (const [serial, ms] of late) {
      if (ms.length === 1) {
        matched.add(serial);
        single.push(ms[0]!);
      } else
        duplicates.set(
          serial,
          ms.map((x) => ({ id: x.group.id })),
        );
    }
    const missingPins = new Map<string, string>();
    for (const d of this.desired) {
      if (
        d.id &&
        !matched.has(d.serial) &&
        !duplicates.has(d.serial) &&
        !this.takeovers.has(d.serial) &&
        !d.retired
      )
        missingPins.set(
          d.serial,
          `pinned group ${d.id} is not among the instance's groups (remove \`id\` to create a new one)`,
        );
    }
    return {
      matched,
      duplicates,
      missingPins,
      takeovers: this.takeovers,
      orphans: this.orphans,
      shadowed,
      late: single,
    };
  }
}
