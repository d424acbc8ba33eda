// One manifest against its live group -> the smallest list of changes. Pure: no I/O, no clock.
import path from "node:path";
import { samePicture as looksSame } from "../image/index.js";
import type { LiveGroup, LiveParticipant } from "../live/types.js";
import { jidOf, jidsOf, PersonSet, personOf } from "../manifest/persons.js";
import {
  type Config,
  type DesiredGroup,
  type IgnoredField,
  ignores,
  SETTING_KEYS,
  type Settings,
} from "../manifest/types.js";
import { CHANGE_ORDER, type Change, type GroupPlan, type Warning } from "./change.js";
import { isOurs } from "./identity.js";
import { removalsFirst } from "./safety.js";

/** What WhatsApp gives a new group; a create plans a setting change only where the manifest differs. */
export const CREATE_DEFAULTS: Settings = {
  sendMessages: "all",
  editInfo: "all",
  addMembers: "all",
  approveJoins: false,
};

export interface DiffContext {
  config: Config;
  /** Unix seconds */
  now: number;
  warn(w: Warning): void;
  /** label name -> id, when known */
  labelIds?: Record<string, string>;
  /** icon file sha256 -> perceptual hash (Live.iconHashes) */
  iconHashes?: Record<string, string>;
  /** person -> Unix seconds of their newest message to the instance (Live.heardFrom, with warm-up) */
  heardFrom?: Record<string, number>;
  /** whether a live subject carries this serial in the configured format */
  carriesSerial(subject: string, serial: string): boolean;
}

/**
 * Engines re-encode what they are given, so a picture is the icon when it looks the same (perceptual
 * hashes within tolerance); without hashes, only identical bytes count.
 */
function samePicture(
  icon: NonNullable<DesiredGroup["icon"]>,
  picture: NonNullable<LiveGroup["picture"]>,
  hashes: Record<string, string> | undefined,
): boolean {
  if (picture.url === null) return false;
  const want = hashes?.[icon.sha256];
  if (want && picture.hash) return looksSame(want, picture.hash);
  return picture.sha256 === icon.sha256;
}

export function diffGroup(d: DesiredGroup, live: LiveGroup | undefined, ctx: DiffContext): GroupPlan {
  const base = {
    serial: d.serial,
    file: d.file,
    subject: live?.subject ?? d.subject,
    pending: [] as string[],
  };
  if (d.retired) return retireGroup(d, live, ctx, base);
  if (!live) {
    const changes = createChanges(d, ctx);
    const create = changes[0] as Extract<Change, { kind: "create" }>;
    if (!create.participants.length && d.admins.length + d.members.length > 0) {
      // WhatsApp does not create a group with nobody in it: it waits until someone listed has written
      ctx.warn({
        code: "warmup-create-waits",
        serial: d.serial,
        message: `nobody listed has written to the instance within invites.warmupHours (${ctx.config.invites.warmupHours} h); the group is created once someone has`,
      });
      return { ...base, subject: d.subject, action: "none", changes: [] };
    }
    return { ...base, subject: d.subject, action: "create", changes };
  }
  return updateGroup(d, live, ctx, base);
}

function retireGroup(
  d: DesiredGroup,
  live: LiveGroup | undefined,
  ctx: DiffContext,
  base: Pick<GroupPlan, "serial" | "file" | "subject" | "pending">,
): GroupPlan {
  if (!live) return { ...base, action: "none", changes: [] };
  const self = ctx.config.self;
  if (d.id && d.id === live.id && !ctx.carriesSerial(live.subject, d.serial)) {
    const reason = `pinned group ${live.id} "${live.subject}" does not carry serial ${d.serial}: it is not retired until its subject does (apply the rename first, or remove \`id\`)`;
    ctx.warn({ code: "retire-unverified", serial: d.serial, message: reason });
    return { ...base, groupId: live.id, action: "none", changes: [], blocked: reason };
  }
  // a group the instance did not create is never deleted: retiring it means farewell and leave
  const ours = isOurs(live, self);
  const left =
    self !== undefined && live.participants !== undefined && !live.participants.some((p) => p.jid === self);
  const changes: Change[] = [];
  if (!left) {
    if (d.farewell && !live.farewellSent) changes.push({ kind: "farewell", message: d.farewell });
    changes.push({ kind: "leave" });
  }
  // still listed after leaving: the delete that failed last time is tried again
  if (ours) changes.push({ kind: "delete" });
  return { ...base, groupId: live.id, action: changes.length ? "retire" : "none", changes };
}

function createChanges(d: DesiredGroup, ctx: DiffContext): Change[] {
  // everyone listed lands in a change: each jid is made once, here
  const adminJids = jidsOf(d.admins);
  const listed = [...adminJids, ...jidsOf(d.members)];
  // warm-up: only people who wrote to the instance lately are added; the others get the link
  const cold = listed.filter((j) => !warm(j, ctx));
  const people = listed.filter((j) => !cold.includes(j));
  const changes: Change[] = [
    { kind: "create", subject: d.subject, participants: people, settings: { ...d.settings } },
  ];
  if (d.description) changes.push({ kind: "setDescription", to: d.description });
  if (d.icon) changes.push(setIcon(d, d.icon, null));
  for (const key of SETTING_KEYS)
    if (d.settings[key] !== CREATE_DEFAULTS[key])
      changes.push({ kind: "setSetting", setting: key, from: CREATE_DEFAULTS[key], to: d.settings[key] });
  const admins = adminJids.filter((j) => !cold.includes(j));
  if (admins.length) changes.push({ kind: "promote", participants: admins });
  if (cold.length) changes.push({ kind: "sendInvites", participants: cold, warmup: cold });
  if (d.welcome) changes.push({ kind: "welcome", message: d.welcome });
  const labels = labelChange(d, [], ctx);
  if (labels) changes.push(labels);
  return changes;
}

/** With invites.warmupHours, whether this person wrote to the instance within the window. */
function warm(jid: string, ctx: DiffContext): boolean {
  const hours = ctx.config.invites.warmupHours;
  if (!(hours > 0)) return true;
  const at = ctx.heardFrom?.[jid];
  return at !== undefined && ctx.now - at <= hours * 3600;
}

function setIcon(d: DesiredGroup, icon: NonNullable<DesiredGroup["icon"]>, from: string | null): Change {
  // the file as the working directory sees it: the manifest's folder joined with the path it names
  const file = path.posix.join(path.posix.dirname(d.file.split(path.sep).join("/")), icon.path);
  return { kind: "setIcon", from, to: icon.sha256, path: icon.path, file, mimetype: icon.mimetype };
}

/**
 * The chat's labels: declared ones added, managed ones the manifest does not declare removed; labels
 * nobody manages (agents', other tools') always stay. `have` is what is on the chat (names).
 */
function labelChange(d: DesiredGroup, have: readonly string[], ctx: DiffContext): Change | undefined {
  const managed = new Set(Object.keys(ctx.config.labels));
  const exists = (l: string) => (ctx.labelIds ? l in ctx.labelIds : true) || managed.has(l);
  const unknown = d.labels.filter((l) => !exists(l));
  if (unknown.length)
    ctx.warn({
      code: "unknown-label",
      serial: d.serial,
      message: `label(s) ${unknown.map((l) => `"${l}"`).join(", ")} do not exist on this WhatsApp Business account; declare them under labels in wagroups.yaml or create them in the app`,
    });
  const add = d.labels.filter((l) => exists(l) && !have.includes(l));
  const remove = have.filter((l) => managed.has(l) && !d.labels.includes(l));
  if (!add.length && !remove.length) return undefined;
  const ids: Record<string, string> = {};
  for (const l of [...add, ...remove]) if (ctx.labelIds?.[l]) ids[l] = ctx.labelIds[l];
  return { kind: "setLabels", add, remove, ids };
}

// one table for every group's people: a group is diffed in one go
const place = new PersonSet(true);

function updateGroup(
  d: DesiredGroup,
  live: LiveGroup,
  ctx: DiffContext,
  base: Pick<GroupPlan, "serial" | "file" | "subject" | "pending">,
): GroupPlan {
  const { config } = ctx;
  const self = config.self;
  const plan: GroupPlan = {
    ...base,
    groupId: live.id,
    action: "update",
    changes: [],
  };
  const participants = live.participants ?? [];
  const selfRole = self ? participants.find((p) => p.jid === self)?.role : undefined;
  if (self && selfRole === "member") {
    plan.action = "none";
    plan.blocked = "the instance is not an admin of this group; make it an admin to manage the group";
    return plan;
  }
  // fields the manifest hands to humans are neither planned nor shown as drift
  const ig = (f: IgnoredField) => ignores(d, f);
  if (d.ignore.length) plan.ignored = [...d.ignore];
  const changes: Change[] = [];
  if (!ig("subject") && live.subject !== d.subject)
    changes.push({ kind: "setSubject", from: live.subject, to: d.subject });
  if (!ig("description") && d.description !== undefined && (live.description ?? "") !== d.description)
    changes.push({
      kind: "setDescription",
      ...(live.description !== undefined ? { from: live.description } : {}),
      to: d.description,
    });
  // a picture that could not be read (live.picture unset) is not compared
  if (!ig("icon") && d.icon && live.picture && !samePicture(d.icon, live.picture, ctx.iconHashes))
    changes.push(setIcon(d, d.icon, live.picture.sha256 ?? null));
  for (const key of SETTING_KEYS) {
    if (ig(`settings.${key}`)) continue;
    const have = live.settings[key];
    if (have === undefined) {
      ctx.warn({
        code: "unknown-setting",
        serial: d.serial,
        message: `the engine did not report ${key}; it was not compared`,
      });
      continue;
    }
    if (have !== d.settings[key])
      changes.push({ kind: "setSetting", setting: key, from: have, to: d.settings[key] });
  }

  // participants: the manifest's people are numbers, each live participant is read as one once (a
  // privacy ID has none); a jid is made only for someone who lands in a change or a message
  const { admins, members } = d;
  // person -> their place in the manifest: i in admins, -1 - i in members
  place.clear(admins.length + members.length);
  for (let i = 0; i < admins.length; i++) place.add(admins[i]!, i);
  for (let i = 0; i < members.length; i++) place.add(members[i]!, -1 - i);
  const adminPresent = new Array<LiveParticipant | undefined>(admins.length);
  const memberPresent = new Array<LiveParticipant | undefined>(members.length);
  const listedLive = new Uint8Array(participants.length);
  participants.forEach((p, i) => {
    const n = personOf(p.jid);
    const at = n === undefined ? undefined : place.get(n);
    if (at === undefined) return;
    listedLive[i] = 1;
    if (at >= 0) adminPresent[at] = p;
    else memberPresent[-1 - at] = p;
  });
  // an ignored role: its people are neither added nor removed, promoted nor demoted
  const adminsOwned = !ig("admins");
  const membersOwned = !ig("members");
  const protectedJids = new Set([self, live.owner].filter((j): j is string => !!j));
  const cooldown = config.invites.cooldownDays * 86_400;
  const add: string[] = [];
  const addAdmins: string[] = [];
  const invite: string[] = [];
  const coldInvites: string[] = [];
  const absent = (people: typeof admins, present: typeof adminPresent, admin: boolean) => {
    for (let i = 0; i < people.length; i++) {
      if (present[i]) continue;
      const jid = jidOf(people[i]!);
      const sent = live.invitesSent?.[jid];
      if (sent !== undefined && ctx.now - sent < cooldown) plan.pending.push(jid);
      else if (sent !== undefined && config.invites.fallback)
        invite.push(jid); // refused before: adding again is a wasted write
      else if (!warm(jid, ctx)) {
        // warm-up: someone who has not written lately is invited, not added
        invite.push(jid);
        coldInvites.push(jid);
      } else {
        add.push(jid);
        if (admin) addAdmins.push(jid);
      }
    }
  };
  if (adminsOwned) absent(admins, adminPresent, true);
  if (membersOwned) absent(members, memberPresent, false);
  const promote: string[] = [];
  if (adminsOwned)
    for (let i = 0; i < admins.length; i++)
      if (adminPresent[i]?.role === "member") promote.push(jidOf(admins[i]!));
  const demote: string[] = [];
  if (adminsOwned)
    for (let i = 0; i < members.length; i++) {
      const p = memberPresent[i];
      if (!p || p.role === "member") continue;
      const jid = jidOf(members[i]!);
      if (protectedJids.has(jid) || p.role === "superadmin") {
        ctx.warn({
          code: "creator-kept",
          serial: d.serial,
          message: `${jid} created the group and stays an admin (WhatsApp does not allow demoting the creator)`,
        });
        continue;
      }
      demote.push(jid);
    }
  const remove: string[] = [];
  const unresolved: string[] = [];
  participants.forEach((p, i) => {
    if (listedLive[i] || p.jid === self) return;
    if (p.jid === live.owner || p.role === "superadmin") {
      if (d.removeUnlisted)
        ctx.warn({
          code: "creator-kept",
          serial: d.serial,
          message: `the group's creator ${p.jid} is not listed; WhatsApp does not allow removing the creator`,
        });
      return;
    }
    if (p.jid.endsWith("@lid")) {
      unresolved.push(p.jid);
      return;
    }
    if (p.role === "member" ? !membersOwned : !adminsOwned) return;
    if (d.removeUnlisted) remove.push(p.jid);
  });
  if (unresolved.length)
    ctx.warn({
      code: "unresolved-lid",
      serial: d.serial,
      message: `${unresolved.length} participant(s) known only by a privacy ID (${unresolved.join(", ")}); never removed`,
    });

  const nearCap = removalsFirst(participants, add.length + invite.length + plan.pending.length);

  if (remove.length && nearCap) changes.push({ kind: "removeParticipants", participants: remove });
  if (add.length) changes.push({ kind: "addParticipants", participants: add });
  if (promote.length || addAdmins.length)
    changes.push({ kind: "promote", participants: [...promote, ...addAdmins] });
  if (demote.length) changes.push({ kind: "demote", participants: demote });
  if (remove.length && !nearCap) changes.push({ kind: "removeParticipants", participants: remove });
  if (invite.length)
    changes.push({
      kind: "sendInvites",
      participants: invite,
      ...(coldInvites.length ? { warmup: coldInvites } : {}),
    });
  // a group we created lately (by a run that crashed before its welcome) still gets it, once
  if (d.welcome && live.welcomeSent === false) changes.push({ kind: "welcome", message: d.welcome });
  if (!ig("labels") && live.labels !== undefined) {
    const labels = labelChange(d, live.labels, ctx);
    if (labels) changes.push(labels);
  }

  plan.changes = order(changes, nearCap);
  if (!plan.changes.length) plan.action = "none";
  return plan;
}

function order(changes: Change[], removalsFirst: boolean): Change[] {
  const rank = (c: Change) => {
    if (removalsFirst && c.kind === "removeParticipants")
      return CHANGE_ORDER.indexOf("addParticipants") - 0.5;
    return CHANGE_ORDER.indexOf(c.kind);
  };
  return changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map((x) => x.c);
}
