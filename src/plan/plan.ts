// plan(desired, live) -> Plan: the whole fleet, pure. Identity, then a diff per group, then the
// fleet-wide checks (orphans, the fleet's removal ratio, the creation budget).
import type { Live } from "../live.js";
import type { Desired } from "../manifest/types.js";
import type { GroupPlan, Plan, Warning } from "./change.js";
import { diffGroup } from "./diff.js";
import { fingerprint } from "./fingerprint.js";
import { matchGroups } from "./identity.js";
import { fleetSafety } from "./safety.js";

export interface PlanOptions {
  /** Unix seconds; the planner never reads the clock itself */
  now: number;
  /** only these serials (like terraform -target); empty = all */
  targets?: string[];
  /** fingerprint each live group, for saved plans (default true) */
  fingerprints?: boolean;
  /** with --shard: which serials this run owns (orphans are reported by the shard they hash to) */
  owns?: (serial: string) => boolean;
}

export function plan(desired: Desired, live: Live, opts: PlanOptions): Plan {
  const { config } = desired;
  const warnings: Warning[] = [];
  const warn = (w: Warning) => {
    if (!warnings.some((x) => x.code === w.code && x.serial === w.serial && x.message === w.message))
      warnings.push(w);
  };
  for (const n of live.notes ?? []) warn(n);
  const targets = new Set(opts.targets ?? []);
  const owns = opts.owns ?? (() => true);
  const inScope = (serial: string) => (targets.size === 0 || targets.has(serial)) && owns(serial);
  const id = matchGroups(desired.groups, live.groups, config);
  if (!config.self)
    warn({
      code: "self-unknown",
      message:
        "the instance's own number is not configured (self in wagroups.yaml or WAWP_SELF); it cannot be recognised in groups",
    });

  const groups: GroupPlan[] = [];
  for (const d of desired.groups) {
    if (!inScope(d.serial)) continue;
    // a group that cannot be planned is shown blocked, and warned about, while the others go on
    const blockedBy = (code: string, reason: string) => {
      groups.push({
        serial: d.serial,
        file: d.file,
        subject: d.subject,
        action: "none",
        changes: [],
        pending: [],
        blocked: reason,
      });
      warn({ code, serial: d.serial, message: reason });
    };
    const dup = id.duplicates.get(d.serial);
    if (dup) {
      blockedBy(
        "duplicate-serial",
        `${dup.length} live groups claim serial ${d.serial}: ${dup.map((g) => g.id).join(", ")}; pin one with \`id\` or rename the others`,
      );
      continue;
    }
    const pin = id.missingPins.get(d.serial);
    if (pin) {
      blockedBy("pinned-group-missing", pin);
      continue;
    }
    const lg = id.matched.get(d.serial);
    const gp = diffGroup(d, lg, {
      config,
      now: opts.now,
      warn,
      ...(live.labelIds ? { labelIds: live.labelIds } : {}),
    });
    if (lg && opts.fingerprints !== false) gp.fingerprint = fingerprint(lg);
    groups.push(gp);
  }
  if (targets.size === 0) {
    for (const o of id.orphans.filter((x) => owns(x.serial)))
      warn({
        code: "orphan",
        serial: o.serial,
        message: `live group ${o.group.id} "${o.group.subject}" carries serial ${o.serial}, which no manifest declares; left untouched`,
      });
    for (const s of id.shadowed.filter((x) => owns(x.serial)))
      warn({
        code: "shadowed",
        serial: s.serial,
        message: `live group ${s.group.id} "${s.group.subject}" also carries serial ${s.serial}, but the manifest pins another group; left untouched`,
      });
  }
  for (const t of targets)
    if (!desired.groups.some((d) => d.serial === t))
      warn({ code: "unknown-target", serial: t, message: `--group ${t}: no manifest declares this serial` });

  const unsafe: string[] = [];
  for (const g of groups) unsafe.push(...(g.unsafe ?? []));
  unsafe.push(...fleetSafety(groups, id.matched, config));

  // the creation budget counts this instance's groups created within the last hour
  const creates = groups.filter((g) => g.action === "create").length;
  if (creates) {
    const recent = live.groups.filter(
      (g) => g.owner === config.self && g.creation !== undefined && opts.now - g.creation < 3600,
    ).length;
    const room = Math.max(0, config.limits.createsPerHour - recent);
    if (creates > room)
      warn({
        code: "create-budget",
        message: `${creates} group(s) to create, ${room} creation(s) left this hour (limits.createsPerHour ${config.limits.createsPerHour}); apply creates ${room} and defers the rest to a later run`,
      });
  }
  return { formatVersion: 1, groups, warnings, unsafe, aliases: desired.aliases };
}
