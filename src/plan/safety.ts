// The safety rules, in one place: what makes a plan unsafe (apply refuses it without --force), and the
// 1,024 cap that decides whether removals go before adds. They read a group's changes and its live state
// only, so a saved plan is checked again against the live state when it is applied.
import type { LiveGroup, LiveParticipant } from "../live/types.js";
import type { Config } from "../manifest/types.js";
import { MAX_PARTICIPANTS } from "../whatsapp.js";
import type { Change, GroupPlan, Warning } from "./change.js";

const pct = (r: number) => `${Math.round(r * 100)}%`;

type Rules = Pick<Config, "self" | "safety">;

/** Whether adds would pass the cap before the removals: then removals go first. */
export function removalsFirst(participants: readonly LiveParticipant[], incoming: number): boolean {
  return participants.length + incoming > MAX_PARTICIPANTS;
}

const people = (
  changes: readonly Change[],
  kind: "addParticipants" | "sendInvites" | "promote" | "demote" | "removeParticipants",
) => changes.flatMap((c) => (c.kind === kind ? c.participants : []));

/** minAdmins, the removal ratio (removing a single person never counts) and the participant cap. */
export function groupSafety(
  g: Pick<GroupPlan, "serial" | "changes" | "pending">,
  live: LiveGroup,
  rules: Rules,
  warn: (w: Warning) => void = () => {},
): string[] {
  const { serial } = g;
  const self = rules.self;
  const participants = live.participants ?? [];
  const present = new Set(participants.map((p) => p.jid));
  const add = people(g.changes, "addParticipants");
  const promote = people(g.changes, "promote");
  const demote = new Set(people(g.changes, "demote"));
  const remove = people(g.changes, "removeParticipants");
  const removed = new Set(remove);
  const unsafe: string[] = [];
  const adminsAfter =
    participants.filter(
      (p) => p.role !== "member" && p.jid !== self && !demote.has(p.jid) && !removed.has(p.jid),
    ).length + promote.filter((j) => present.has(j)).length;
  const adminsPlanned = adminsAfter + promote.filter((j) => !present.has(j)).length;
  if (adminsPlanned < rules.safety.minAdmins)
    unsafe.push(
      `${serial} would keep ${adminsAfter} human admin(s); safety.minAdmins is ${rules.safety.minAdmins}`,
    );

  const humans = participants.filter((p) => p.jid !== self).length;
  const ratio = humans ? remove.length / humans : 0;
  if (remove.length > 1 && ratio > rules.safety.maxRemovalRatio)
    unsafe.push(
      `${serial} would remove ${remove.length} of ${humans} members (${pct(ratio)} > safety.maxRemovalRatio ${pct(rules.safety.maxRemovalRatio)})`,
    );
  else if (remove.length > 1 && ratio > rules.safety.maxRemovalRatio * 0.8)
    warn({
      code: "removal-near-limit",
      serial,
      message: `removes ${remove.length} of ${humans} members (${pct(ratio)}), near the safety limit`,
    });

  const incoming = add.length + people(g.changes, "sendInvites").length + g.pending.length;
  const after = participants.length - remove.length + incoming;
  if (after > MAX_PARTICIPANTS) {
    unsafe.push(
      `${serial} would reach ${after} participants (with pending invites); WhatsApp allows ${MAX_PARTICIPANTS}`,
    );
    warn({ code: "cap", serial, message: `the group would exceed ${MAX_PARTICIPANTS} participants` });
  }
  return unsafe;
}

/** Members of a live group the fleet-wide ratio counts: everyone but the instance. */
export function liveMembers(lg: LiveGroup, self: string | undefined): number {
  return (lg.participants ?? []).filter((p) => p.jid !== self).length;
}

/**
 * Many small removals add up: the same ratio across the fleet's existing groups. `membersOf` gives a
 * planned group's live member count (undefined: not live), so a streaming plan need not keep the groups.
 */
export function fleetSafety(
  groups: readonly GroupPlan[],
  membersOf: (groupId: string) => number | undefined,
  rules: Rules,
): string[] {
  let removals = 0;
  let members = 0;
  for (const g of groups) {
    const count = g.groupId ? membersOf(g.groupId) : undefined;
    if (count === undefined || g.action === "retire") continue;
    members += count;
    removals += people(g.changes, "removeParticipants").length;
  }
  if (removals > 1 && members && removals / members > rules.safety.maxRemovalRatio)
    return [
      `the fleet would lose ${removals} of ${members} members (${pct(removals / members)} > safety.maxRemovalRatio ${pct(rules.safety.maxRemovalRatio)})`,
    ];
  return [];
}

/** Every reason to refuse these groups without --force, against the live state as it is now. */
export function planSafety(
  groups: readonly GroupPlan[],
  liveById: ReadonlyMap<string, LiveGroup>,
  rules: Rules,
  warn?: (w: Warning) => void,
): string[] {
  const unsafe: string[] = [];
  for (const g of groups) {
    const lg = g.groupId && g.action === "update" ? liveById.get(g.groupId) : undefined;
    if (lg) unsafe.push(...groupSafety(g, lg, rules, warn));
  }
  unsafe.push(
    ...fleetSafety(
      groups,
      (id) => {
        const lg = liveById.get(id);
        return lg && liveMembers(lg, rules.self);
      },
      rules,
    ),
  );
  return unsafe;
}
