// `wagroups import`: manifests for the live groups the instance administers that no manifest
// declares, written so that the next plan shows nothing but the rename that adds the serial.
import type { LiveGroup } from "../live/types.js";
import { userRegex } from "../manifest/regex.js";
import { renderSubject, subjectParser } from "../manifest/subject.js";
import { type Desired, SETTING_KEYS, type Settings } from "../manifest/types.js";
import { MAX_SUBJECT } from "../whatsapp.js";
import { matchGroups } from "./identity.js";

export interface ImportedGroup {
  serial: string;
  groupId: string;
  manifest: {
    serial: string;
    subject: string;
    id: string;
    description?: string;
    settings: Partial<Settings>;
    admins: string[];
    members: string[];
    removeUnlisted?: boolean;
  };
  notes: string[];
}

/** Which groups to import and what their manifests say. `show` renders a person for YAML. */
export function importGroups(
  desired: Desired,
  live: LiveGroup[],
  prefix: string,
  show: (jid: string) => string,
): ImportedGroup[] {
  const { config } = desired;
  const self = config.self;
  const parse = subjectParser(config.subjectFormat, config.serialPattern);
  const id = matchGroups(desired.groups, live, config);
  const declared = new Set([...id.matched.values()].map((g) => g.id));
  for (const list of id.duplicates.values()) for (const g of list) declared.add(g.id);
  const used = new Set<string>([
    ...desired.groups.map((d) => d.serial),
    ...live.map((g) => parse(g.subject)).filter((s): s is string => !!s),
  ]);
  let next = 1;
  for (const s of used) {
    const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d+)$`).exec(s);
    if (m) next = Math.max(next, Number(m[1]) + 1);
  }
  const out: ImportedGroup[] = [];
  for (const g of [...live].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (declared.has(g.id)) continue;
    const role = g.participants?.find((p) => p.jid === self)?.role;
    if (role !== "admin" && role !== "superadmin") continue; // only groups the instance administers
    const notes: string[] = [];
    const carried = parse(g.subject);
    if (carried && used.has(carried) && desired.groups.some((d) => d.serial === carried)) continue;
    const serial = carried ?? `${prefix}-${next++}`;
    let title = carried ? titleOf(g.subject, carried, config.subjectFormat) : g.subject.trim();
    const room = MAX_SUBJECT - [...renderSubject(config.subjectFormat, serial, "")].length;
    if ([...title].length > room) {
      title = `${[...title].slice(0, room - 1).join("")}…`;
      notes.push("the subject was shortened so that it fits with the serial");
    }
    const people = (g.participants ?? []).filter((p) => p.jid !== self);
    const unresolved = people.filter((p) => p.jid.endsWith("@lid"));
    const admins = people
      .filter((p) => p.role !== "member" && !p.jid.endsWith("@lid"))
      .map((p) => show(p.jid));
    const members = people
      .filter((p) => p.role === "member" && !p.jid.endsWith("@lid"))
      .map((p) => show(p.jid));
    const settings: Partial<Settings> = {};
    for (const k of SETTING_KEYS)
      if (g.settings[k] !== undefined) (settings as Record<string, unknown>)[k] = g.settings[k];
    const manifest: ImportedGroup["manifest"] = {
      serial,
      subject: title || serial,
      id: g.id,
      ...(g.description ? { description: g.description } : {}),
      settings,
      admins,
      members,
    };
    const policy = config.policy.descriptionMustMatch;
    if (policy && !userRegex(policy).test(g.description ?? ""))
      notes.push(
        `the description does not match policy.descriptionMustMatch (${policy}); edit it before applying`,
      );
    if (unresolved.length) {
      // people we cannot name must not be removed by the first apply
      manifest.removeUnlisted = false;
      notes.push(
        `${unresolved.length} participant(s) known only by a privacy ID could not be listed; removeUnlisted is false`,
      );
    }
    if (admins.length < config.safety.minAdmins)
      notes.push(
        `no human admin besides the instance; add one (safety.minAdmins is ${config.safety.minAdmins})`,
      );
    out.push({ serial, groupId: g.id, manifest, notes });
  }
  return out;
}

/** The manifest subject inside a live subject that carries the serial. */
function titleOf(subject: string, serial: string, format: string): string {
  const [before, after] = format.replace("{serial}", serial).split("{subject}") as [string, string];
  let t = subject.trim();
  if (t.startsWith(before)) t = t.slice(before.length);
  if (after && t.endsWith(after)) t = t.slice(0, -after.length);
  return t;
}
