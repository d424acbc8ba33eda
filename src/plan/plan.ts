// plan(desired, live, scope) -> Plan: the whole fleet, pure. The scope (identity and which serials) is
// computed once, before the live read; then a diff per group and the fleet-wide checks (orphans, safety,
// the creation budget).
import type { Live, LiveGroup } from "../live/types.js";
import { subjectParser } from "../manifest/subject.js";
import type { Config, Desired, DesiredGroup } from "../manifest/types.js";
import type { GroupPlan, LabelChange, Plan, PlanContext, Warning } from "./change.js";
import { diffGroup } from "./diff.js";
import { fingerprint } from "./fingerprint.js";
import { fleetSafety, groupSafety, liveMembers } from "./safety.js";
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
  const warnings = new Warnings(live.notes ?? [], config);
  const { identity } = scope;
  const ctx = groupPlanning(config, live, opts);
  const liveById = new Map(live.groups.map((g) => [g.id, g]));
  // identity matched the listing; the groups read for this plan replace their listing entries
  const current = (g: LiveGroup | undefined) => (g ? (liveById.get(g.id) ?? g) : undefined);
  const groups = scope.groups.map((d) => {
    const blocked = blockedGroup(d, identity);
    if (blocked) {
      warnings.warn(blocked.warning);
      return blocked.plan;
    }
    const lg = current(identity.matched.get(d.serial));
    const folded = identity.normalized.find((x) => x.serial === d.serial);
    return planGroup(d, lg, folded !== undefined && lg?.id === folded.group.id, ctx, warnings.warn);
  });
  return finishPlan(desired, scope, groups, warnings, {
    orphans: identity.orphans,
    shadowed: identity.shadowed,
    membersOf: (id) => {
      const lg = liveById.get(id);
      return lg && liveMembers(lg, config.self);
    },
    recentCreations: live.groups.flatMap((g) => recentCreation(g, config.self, opts.now)),
    ...(live.labels ? { labels: live.labels } : {}),
    now: opts.now,
  });
}

/** The plan's warnings in the order they are raised, each once. */
export class Warnings {
  readonly list: Warning[] = [];
  constructor(notes: readonly Warning[], config: Config) {
    for (const n of notes) this.warn(n);
    if (!config.self)
      this.warn({
        code: "self-unknown",
        message:
          "the instance's own number is not configured (self in wagroups.yaml or WAWP_SELF); it cannot be recognised in groups",
      });
  }
  readonly warn = (w: Warning): void => {
    if (!this.list.some((x) => x.code === w.code && x.serial === w.serial && x.message === w.message))
      this.list.push(w);
  };
}

/** What every group's diff shares: the configuration and what the live read learned fleet-wide. */
export interface GroupPlanning {
  config: Config;
  now: number;
  fingerprints: boolean;
  parse: (subject: string) => string | undefined;
  labelIds?: Record<string, string>;
  iconHashes?: Record<string, string>;
  heardFrom?: Record<string, number>;
}

export function groupPlanning(
  config: Config,
  live: Pick<Live, "labelIds" | "iconHashes" | "heardFrom">,
  opts: Pick<PlanOptions, "now" | "fingerprints">,
): GroupPlanning {
  return {
    config,
    now: opts.now,
    fingerprints: opts.fingerprints !== false,
    parse: subjectParserFor(config.subjectFormat, config.serialPattern),
    ...(live.labelIds ? { labelIds: live.labelIds } : {}),
    ...(live.iconHashes ? { iconHashes: live.iconHashes } : {}),
    ...(live.heardFrom ? { heardFrom: live.heardFrom } : {}),
  };
}

// a streaming plan asks for the planning context once a page: the parser is compiled once a run
let lastParser:
  | { format: string; serialPattern: string; parse: (subject: string) => string | undefined }
  | undefined;
function subjectParserFor(format: string, serialPattern: string): (subject: string) => string | undefined {
  if (lastParser?.format !== format || lastParser.serialPattern !== serialPattern)
    lastParser = { format, serialPattern, parse: subjectParser(format, serialPattern) };
  return lastParser.parse;
}

/** A manifest identity refuses to plan (a duplicate serial, a missing pin, a takeover): shown blocked, and warned about. */
export function blockedGroup(
  d: DesiredGroup,
  identity: {
    duplicates: ReadonlyMap<string, readonly { id: string }[]>;
    missingPins: ReadonlyMap<string, string>;
    takeovers: ReadonlyMap<string, string>;
  },
): { plan: GroupPlan; warning: Warning } | undefined {
  const blocked = (code: string, reason: string) => ({
    plan: {
      serial: d.serial,
      file: d.file,
      subject: d.subject,
      action: "none" as const,
      changes: [],
      pending: [],
      blocked: reason,
    },
    warning: { code, serial: d.serial, message: reason },
  });
  const dup = identity.duplicates.get(d.serial);
  if (dup)
    return blocked(
      "duplicate-serial",
      `${dup.length} live groups claim serial ${d.serial}: ${dup.map((g) => g.id).join(", ")}; pin one with \`id\` or rename the others`,
    );
  const pin = identity.missingPins.get(d.serial);
  if (pin) return blocked("pinned-group-missing", pin);
  const takeover = identity.takeovers.get(d.serial);
  if (takeover) return blocked("pin-takeover", takeover);
  return undefined;
}

/**
 * One manifest against its live group (undefined: none), its warnings raised through `warn` in the
 * order the plan shows them. `normalized`: the group was matched only after folding look-alikes.
 */
export function planGroup(
  d: DesiredGroup,
  lg: LiveGroup | undefined,
  normalized: boolean,
  ctx: GroupPlanning,
  warn: (w: Warning) => void,
): GroupPlan {
  const { config, parse } = ctx;
  if (lg?.unreadable) {
    // one group that could not be read is blocked; the others are planned as usual
    const reason = `the group ${lg.id} could not be read (${lg.unreadable}); nothing is planned for it this run`;
    warn({ code: "group-unreadable", serial: d.serial, message: reason });
    return {
      serial: d.serial,
      file: d.file,
      subject: d.subject,
      action: "none",
      changes: [],
      pending: [],
      blocked: reason,
    };
  }
  if (lg && normalized)
    warn({
      code: "subject-normalized",
      serial: d.serial,
      message: `live subject "${lg.subject}" carries serial ${d.serial} only with look-alike characters (dashes, spaces); matched, and the plan renames it`,
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
    now: ctx.now,
    warn,
    ...(ctx.labelIds ? { labelIds: ctx.labelIds } : {}),
    ...(ctx.iconHashes ? { iconHashes: ctx.iconHashes } : {}),
    ...(ctx.heardFrom ? { heardFrom: ctx.heardFrom } : {}),
  });
  if (lg && !gp.blocked && gp.action !== "retire") {
    const reasons = groupSafety(gp, lg, config, warn);
    if (reasons.length) gp.unsafe = reasons;
  }
  if (lg && ctx.fingerprints) gp.fingerprint = fingerprint(lg);
  return gp;
}

/** A group created by the instance within the hour before `now`: its creation time, for the budget. */
export function recentCreation(g: LiveGroup, self: string | undefined, now: number): number[] {
  return g.owner === self && g.creation !== undefined && now - g.creation < 3600 ? [g.creation] : [];
}

/** What the fleet-wide checks need of the listing, kept compactly by a streaming plan. */
export interface FleetFacts {
  orphans: readonly { group: Pick<LiveGroup, "id" | "subject">; serial: string }[];
  shadowed: readonly { group: Pick<LiveGroup, "id" | "subject">; serial: string }[];
  /** a planned group's live member count (undefined: not live) */
  membersOf: (groupId: string) => number | undefined;
  /** creation times of this instance's groups within the last hour, in any order */
  recentCreations: number[];
  labels?: Live["labels"];
  now: number;
}

/** The fleet-wide checks (orphans, targets, the removal ratio, the creation budget) and the Plan itself. */
export function finishPlan(
  desired: Desired,
  scope: Omit<Scope, "identity">,
  groups: GroupPlan[],
  warnings: Warnings,
  facts: FleetFacts,
): Plan {
  const { config } = desired;
  const { warn } = warnings;
  const unsafe = groups.flatMap((g) => g.unsafe ?? []);
  if (scope.targets.length === 0) {
    for (const o of facts.orphans.filter((x) => scope.owns(x.serial)))
      warn({
        code: "orphan",
        serial: o.serial,
        message: `live group ${o.group.id} "${o.group.subject}" carries serial ${o.serial}, which no manifest declares; left untouched`,
      });
    for (const s of facts.shadowed.filter((x) => scope.owns(x.serial)))
      warn({
        code: "shadowed",
        serial: s.serial,
        message: `live group ${s.group.id} "${s.group.subject}" also carries serial ${s.serial}, but the manifest pins another group; left untouched`,
      });
  }
  for (const t of scope.targets)
    if (!desired.groups.some((d) => d.serial === t))
      warn({ code: "unknown-target", serial: t, message: `--group ${t}: no manifest declares this serial` });

  unsafe.push(...fleetSafety(groups, facts.membersOf, config));

  const context: PlanContext = {
    ...(config.self ? { self: config.self } : {}),
    subjectFormat: config.subjectFormat,
    serialPattern: config.serialPattern,
    limits: { ...config.limits },
    invites: { ...config.invites },
    recentCreations: [...facts.recentCreations].sort((a, b) => a - b),
  };
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
  const labels = labelChanges(desired, facts.labels);
  return {
    formatVersion: 2,
    ...(labels.length ? { labels } : {}),
    groups,
    warnings: warnings.list,
    unsafe,
    aliases: desired.aliases,
    context,
  };
}

/** Managed labels (config `labels`) missing on the account are created; a wrong colour is corrected. */
function labelChanges(desired: Desired, labels: Live["labels"]): LabelChange[] {
  if (!labels) return []; // not read (no managed labels), or refused: warned about already
  const out: LabelChange[] = [];
  for (const [name, want] of Object.entries(desired.config.labels)) {
    const have = labels.find((l) => l.name === name);
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
