// plan(desired, live, scope) -> Plan: the whole fleet, pure. The scope (identity and which serials) is
// computed once, before the live read; then a diff per group and the fleet-wide checks (orphans, safety,
// the creation budget).
import type { Live, LiveGroup } from "../live/types.js";
import { subjectParser } from "../manifest/subject.js";
import type { Desired } from "../manifest/types.js";
import type { GroupPlan, LabelChange, Plan, PlanContext, Warning } from "./change.js";
import { diffGroup } from "./diff.js";
import { fingerprint } from "./fingerprint.js";
import { fleetSafety, groupSafety } from "./safety.js";
import { type Scope, scopeFleet } from "./scope.js";

export interface PlanOptions {
  /** Unix seconds; the planner never reads the clock itself */
  now: number;
  /** what this run is about; by default the whole fleet, matched against `live.groups` */
  scope?: Scope;
  /** only these serials, when no scope is given (like terraform -target) */
  targets?: string[];
  /** fingerprint each live group, for saved plans (default true) */
  fingerprints?: boolean;
}

export function plan(desired: Desired, live: Live, opts: PlanOptions): Plan {
  const { config } = desired;
  const scope =
    opts.scope ?? scopeFleet(desired.groups, live.groups, config, { targets: opts.targets ?? [] });
  const warnings: Warning[] = [];
  const warn = (w: Warning) => {
    if (!warnings.some((x) => x.code === w.code && x.serial === w.serial && x.message === w.message))
      warnings.push(w);
  };
  for (const n of live.notes ?? []) warn(n);
  const { identity } = scope;
  const parse = subjectParser(config.subjectFormat, config.serialPattern);
  const liveById = new Map(live.groups.map((g) => [g.id, g]));
  // identity matched the listing; the groups read for this plan replace their listing entries
  const current = (g: LiveGroup | undefined) => (g ? (liveById.get(g.id) ?? g) : undefined);
  if (!config.self)
    warn({
      code: "self-unknown",
      message:
        "the instance's own number is not configured (self in wagroups.yaml or WAWP_SELF); it cannot be recognised in groups",
    });

  const groups: GroupPlan[] = [];
  const unsafe: string[] = [];
  for (const d of scope.groups) {
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
    const dup = identity.duplicates.get(d.serial);
    if (dup) {
      blockedBy(
        "duplicate-serial",
        `${dup.length} live groups claim serial ${d.serial}: ${dup.map((g) => g.id).join(", ")}; pin one with \`id\` or rename the others`,
      );
      continue;
    }
    const pin = identity.missingPins.get(d.serial);
    if (pin) {
      blockedBy("pinned-group-missing", pin);
      continue;
    }
    const takeover = identity.takeovers.get(d.serial);
    if (takeover) {
      blockedBy("pin-takeover", takeover);
      continue;
    }
    const lg = current(identity.matched.get(d.serial));
    if (lg?.unreadable) {
      blockedBy(
        "group-unreadable",
        `the group ${lg.id} could not be read (${lg.unreadable}); nothing is planned for it this run`,
      );
      continue;
    }
    const folded = identity.normalized.find((x) => x.serial === d.serial);
    if (folded && lg?.id === folded.group.id)
      warn({
        code: "subject-normalized",
        serial: d.serial,
        message: `live subject "${folded.group.subject}" carries serial ${d.serial} only with look-alike characters (dashes, spaces); matched, and the plan renames it`,
      });
    if (lg?.invalidParticipants?.length)
      warn({
        code: "invalid-participant",
        serial: d.serial,
        message: `${lg.invalidParticipants.length} participant id(s) that name no person (${lg.invalidParticipants.slice(0, 3).join(", ")}); never added or removed`,
      });
    const gp = diffGroup(d, lg, {
      config,
      carriesSerial: (subject, serial) => parse(subject) === serial,
      now: opts.now,
      warn,
      ...(live.labelIds ? { labelIds: live.labelIds } : {}),
      ...(live.iconHashes ? { iconHashes: live.iconHashes } : {}),
      ...(live.heardFrom ? { heardFrom: live.heardFrom } : {}),
    });
    if (lg && !gp.blocked && gp.action !== "retire") {
      const reasons = groupSafety(gp, lg, config, warn);
      if (reasons.length) {
        gp.unsafe = reasons;
        unsafe.push(...reasons);
      }
    }
    if (lg && opts.fingerprints !== false) gp.fingerprint = fingerprint(lg);
    groups.push(gp);
  }
  if (scope.targets.length === 0) {
    for (const o of identity.orphans.filter((x) => scope.owns(x.serial)))
      warn({
        code: "orphan",
        serial: o.serial,
        message: `live group ${o.group.id} "${o.group.subject}" carries serial ${o.serial}, which no manifest declares; left untouched`,
      });
    for (const s of identity.shadowed.filter((x) => scope.owns(x.serial)))
      warn({
        code: "shadowed",
        serial: s.serial,
        message: `live group ${s.group.id} "${s.group.subject}" also carries serial ${s.serial}, but the manifest pins another group; left untouched`,
      });
  }
  for (const t of scope.targets)
    if (!desired.groups.some((d) => d.serial === t))
      warn({ code: "unknown-target", serial: t, message: `--group ${t}: no manifest declares this serial` });

  unsafe.push(...fleetSafety(groups, liveById, config));

  const context = planContext(desired, live, opts.now);
  // the creation budget counts this instance's groups created within the last hour
  const creates = groups.filter((g) => g.action === "create").length;
  if (creates) {
    const room = Math.max(0, config.limits.createsPerHour - context.recentCreations.length);
    if (creates > room)
      warn({
        code: "create-budget",
        message: `${creates} group(s) to create, ${room} creation(s) left this hour (limits.createsPerHour ${config.limits.createsPerHour}); apply creates ${room} and defers the rest to a later run`,
      });
  }
  const labels = labelChanges(desired, live);
  return {
    formatVersion: 2,
    ...(labels.length ? { labels } : {}),
    groups,
    warnings,
    unsafe,
    aliases: desired.aliases,
    context,
  };
}

/** Managed labels (config `labels`) missing on the account are created; a wrong colour is corrected. */
function labelChanges(desired: Desired, live: Live): LabelChange[] {
  if (!live.labels) return []; // not read (no managed labels), or refused: warned about already
  const out: LabelChange[] = [];
  for (const [name, want] of Object.entries(desired.config.labels)) {
    const have = live.labels.find((l) => l.name === name);
    if (!have) out.push({ kind: "createLabel", name, color: want.color, colorHex: want.colorHex });
    else if (have.color !== want.color)
      out.push({
        kind: "setLabelColor",
        name,
        id: have.id,
        ...(have.color !== undefined ? { from: have.color } : {}),
        to: want.color,
        colorHex: want.colorHex,
      });
  }
  return out;
}

/** What apply needs of the configuration and of the live fleet, carried in the plan. */
function planContext(desired: Desired, live: Live, now: number): PlanContext {
  const { config } = desired;
  return {
    ...(config.self ? { self: config.self } : {}),
    subjectFormat: config.subjectFormat,
    serialPattern: config.serialPattern,
    limits: { ...config.limits },
    invites: { ...config.invites },
    recentCreations: live.groups
      .filter((g) => g.owner === config.self && g.creation !== undefined && now - g.creation < 3600)
      .map((g) => g.creation!)
      .sort((a, b) => a - b),
  };
}
