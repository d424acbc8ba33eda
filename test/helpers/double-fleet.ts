// Fleets for the double: a manifest spec renders to YAML, and the fewest writes that bring the double's
// live state to it are computed from the spec and that state alone (never from the product's plan).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./cli.js";
import type { DoubleGroup, DoubleLabel } from "./double.js";

export const SELF = "14155550100";
export const sw = (d: string) => `${d}@s.whatsapp.net`;
export const p = (n: number) => `1415555${String(n).padStart(4, "0")}`;
const e164 = (d: string) => `"+${d}"`;

export interface SettingsSpec {
  sendMessages: "all" | "admins";
  editInfo: "all" | "admins";
  addMembers: "all" | "admins";
  approveJoins: boolean;
}

export interface GroupSpec {
  serial: string;
  title: string;
  description?: string;
  settings?: SettingsSpec;
  admins: string[]; // digits
  members: string[]; // digits
  labels?: string[];
  /** a file name under the fleet's icons/ folder */
  icon?: string;
  retired?: boolean;
  farewell?: string;
  /** lifecycle fields (issue 15): written as they are, not counted by minimumWrites */
  welcome?: string;
  ignore?: string[];
}

/** The product's defaults (SPEC "Configuration"), used where a spec leaves settings out. */
export const DEFAULT_SETTINGS: SettingsSpec = {
  sendMessages: "all",
  editInfo: "admins",
  addMembers: "admins",
  approveJoins: false,
};

/** A new NOWEB group's settings (the double's create reply). */
const CREATED: Pick<DoubleGroup, "announce" | "restrict" | "memberAddMode" | "joinApprovalMode"> = {
  announce: false,
  restrict: false,
  memberAddMode: true,
  joinApprovalMode: false,
};

export const subjectOf = (s: GroupSpec) => `${s.serial} | ${s.title}`;

/** Writes groups/ with wagroups.yaml, one manifest per spec and the icon files; returns the dir. */
export function writeFleet(
  specs: GroupSpec[],
  icons: Record<string, Uint8Array> = {},
  configExtra = "",
): string {
  const dir = path.join(tempDir(), "groups");
  mkdirSync(path.join(dir, "icons"), { recursive: true });
  writeFileSync(
    path.join(dir, "wagroups.yaml"),
    `self: "+${SELF}"\nlimits: { requestsPerMinute: 6000 }\n${configExtra}`,
  );
  for (const [name, bytes] of Object.entries(icons)) writeFileSync(path.join(dir, "icons", name), bytes);
  for (const s of specs) {
    const lines = [`serial: ${s.serial}`, `subject: ${JSON.stringify(s.title)}`];
    if (s.description !== undefined) lines.push(`description: ${JSON.stringify(s.description)}`);
    if (s.settings)
      lines.push(
        `settings: { sendMessages: ${s.settings.sendMessages}, editInfo: ${s.settings.editInfo}, addMembers: ${s.settings.addMembers}, approveJoins: ${s.settings.approveJoins} }`,
      );
    lines.push(`admins: [${s.admins.map(e164).join(", ")}]`, `members: [${s.members.map(e164).join(", ")}]`);
    if (s.labels?.length) lines.push(`labels: [${s.labels.join(", ")}]`);
    if (s.icon) lines.push(`icon: icons/${s.icon}`);
    if (s.retired) lines.push("retired: true");
    if (s.farewell) lines.push(`farewell: ${JSON.stringify(s.farewell)}`);
    if (s.welcome) lines.push(`welcome: ${JSON.stringify(s.welcome)}`);
    if (s.ignore?.length) lines.push(`ignore: [${s.ignore.join(", ")}]`);
    writeFileSync(path.join(dir, `${s.serial}.yaml`), `${lines.join("\n")}\n`);
  }
  return dir;
}

export interface World {
  /** the live group each spec's serial names, if any */
  live: Map<string, DoubleGroup>;
  privacy: Set<string>;
  labels: DoubleLabel[];
  chatLabels: Record<string, string[]>;
  /** group id -> the icon name its live picture shows (same pixels, whatever the bytes) */
  pictureOf: Record<string, string>;
}

/**
 * The fewest writes that bring one group to its spec, each named: one call per kind of change,
 * participants batched, an invite per privacy-restricted person, and retirement as farewell, leave and
 * the delete attempt (which NOWEB answers 422, but the product cannot know that before asking).
 */
export function minimumWrites(s: GroupSpec, w: World): string[] {
  const g = w.live.get(s.serial);
  const out: string[] = [];
  if (s.retired) {
    if (!g) return out;
    if (s.farewell) out.push("farewell");
    return [...out, "leave", "delete"];
  }
  const want = s.settings ?? DEFAULT_SETTINGS;
  const has = g ?? CREATED;
  if (!g) out.push("create");
  else if (g.subject !== subjectOf(s)) out.push("subject");
  if (s.description !== undefined && s.description !== (g?.desc ?? "")) out.push("description");
  if (s.icon && (!g || w.pictureOf[g.id] !== s.icon)) out.push("icon");
  if (has.announce !== (want.sendMessages === "admins")) out.push("sendMessages");
  if (has.restrict !== (want.editInfo === "admins")) out.push("editInfo");
  if (has.memberAddMode !== (want.addMembers === "all")) out.push("addMembers");
  if (has.joinApprovalMode !== want.approveJoins) out.push("approveJoins");
  const role = new Map((g?.participants ?? []).map((x) => [x.id.split("@")[0]!, x.admin]));
  const listed = [...s.admins, ...s.members];
  const absent = listed.filter((d) => !role.has(d));
  // a new group's people ride in the create call; a NOWEB create answer cannot say who was refused, so
  // the people the new group does not hold are asked once more (that add's answer says 403)
  if (g && absent.length) out.push("add");
  if (!g && absent.some((d) => w.privacy.has(d))) out.push("add again");
  const unlisted = [...role.keys()].filter((d) => d !== SELF && sw(d) !== g?.owner && !listed.includes(d));
  if (unlisted.length) out.push("remove");
  if (s.admins.some((d) => !w.privacy.has(d) && !role.get(d))) out.push("promote");
  if (s.members.some((d) => role.get(d) === "admin")) out.push("demote");
  for (const d of absent) if (w.privacy.has(d)) out.push(`invite ${d}`);
  if (s.labels?.length) {
    const byName = new Map(w.labels.map((l) => [l.name, l.id]));
    const on = new Set(g ? (w.chatLabels[g.id] ?? []) : []);
    if (s.labels.some((n) => !on.has(byName.get(n) ?? `missing ${n}`))) out.push("labels");
  }
  return out;
}

/** Every spec's minimum, plus one label creation per declared label missing from the number. */
export function fleetMinimum(specs: GroupSpec[], w: World): Record<string, string[]> {
  const out = Object.fromEntries(specs.map((s) => [s.serial, minimumWrites(s, w)]));
  const declared = new Set(specs.filter((s) => !s.retired).flatMap((s) => s.labels ?? []));
  const missing = [...declared].filter((n) => !w.labels.some((l) => l.name === n));
  if (missing.length) out["(labels)"] = missing.map((n) => `create label ${n}`);
  return out;
}

export const total = (m: Record<string, string[]>) => Object.values(m).reduce((n, l) => n + l.length, 0);
