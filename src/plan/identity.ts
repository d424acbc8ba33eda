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
