// The safety rules, in one place: what makes a plan unsafe (apply refuses it without --force), and the
// 1,024 cap that decides whether removals go before adds.
import type { LiveGroup, LiveParticipant } from "../live.js";
import type { Config } from "../manifest/types.js";
import { MAX_PARTICIPANTS } from "../whatsapp.js";
import type { GroupPlan, Warning } from "./change.js";

const pct = (r: number) => `${Math.round(r * 100)}%`;

export interface MembershipChange {
  participants: LiveParticipant[];
  add: string[];
  invite: string[];
  pending: string[];
  promote: string[];
  demote: string[];
  remove: string[];
  /** people the manifest wants as admins */
  wantAdmin: Set<string>;
}

export interface GroupSafety {
  unsafe: string[];
  /** the group would pass its cap with the adds: removals go first */
  removalsFirst: boolean;
}

/** minAdmins, the removal ratio (removing a single person never counts) and the participant cap. */
export function groupSafety(
  serial: string,
  m: MembershipChange,
  config: Config,
  warn: (w: Warning) => void,
): GroupSafety {
  const self = config.self;
  const unsafe: string[] = [];
  const adminsAfter =
    m.participants.filter(
      (p) => p.role !== "member" && p.jid !== self && !m.demote.includes(p.jid) && !m.remove.includes(p.jid),
    ).length + m.promote.length;
  const adminsPlanned = adminsAfter + m.add.filter((j) => m.wantAdmin.has(j)).length;
  if (adminsPlanned < config.safety.minAdmins)
    unsafe.push(
      `${serial} would keep ${adminsAfter} human admin(s); safety.minAdmins is ${config.safety.minAdmins}`,
    );

  const humans = m.participants.filter((p) => p.jid !== self).length;
  const ratio = humans ? m.remove.length / humans : 0;
  if (m.remove.length > 1 && ratio > config.safety.maxRemovalRatio)
    unsafe.push(
      `${serial} would remove ${m.remove.length} of ${humans} members (${pct(ratio)} > safety.maxRemovalRatio ${pct(config.safety.maxRemovalRatio)})`,
    );
  else if (m.remove.length > 1 && ratio > config.safety.maxRemovalRatio * 0.8)
    warn({
      code: "removal-near-limit",
      serial,
      message: `removes ${m.remove.length} of ${humans} members (${pct(ratio)}), near the safety limit`,
    });

  const incoming = m.add.length + m.invite.length + m.pending.length;
  const after = m.participants.length - m.remove.length + incoming;
  if (after > MAX_PARTICIPANTS) {
    unsafe.push(
      `${serial} would reach ${after} participants (with pending invites); WhatsApp allows ${MAX_PARTICIPANTS}`,
    );
    warn({ code: "cap", serial, message: `the group would exceed ${MAX_PARTICIPANTS} participants` });
  }
  return { unsafe, removalsFirst: m.participants.length + incoming > MAX_PARTICIPANTS };
}

/** Many small removals add up: the same ratio across the fleet's existing groups. */
export function fleetSafety(groups: GroupPlan[], matched: Map<string, LiveGroup>, config: Config): string[] {
  let removals = 0;
  let members = 0;
  for (const g of groups) {
    const lg = g.groupId ? matched.get(g.serial) : undefined;
    if (!lg || g.action === "retire") continue;
    members += (lg.participants ?? []).filter((p) => p.jid !== config.self).length;
    for (const c of g.changes) if (c.kind === "removeParticipants") removals += c.participants.length;
  }
  if (removals > 1 && members && removals / members > config.safety.maxRemovalRatio)
    return [
      `the fleet would lose ${removals} of ${members} members (${pct(removals / members)} > safety.maxRemovalRatio ${pct(config.safety.maxRemovalRatio)})`,
    ];
  return [];
}
