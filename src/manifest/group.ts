// One group manifest's rules: serial, rendered subject, description and policy, people, icon.
// They run on whatever the schema let through, so a file's schema and semantic problems are
// reported together; a value of the wrong type is left to the schema's message.
import type { Located } from "../errors.js";
import { MAX_DESCRIPTION, MAX_PARTICIPANTS, MAX_SUBJECT } from "../whatsapp.js";
import { detach } from "./detach.js";
import type { IconReader } from "./icon.js";
import { buildLifecycle } from "./lifecycle.js";
import { resolvePerson } from "./people.js";
import { PersonSet, personOf } from "./persons.js";
import type { UserRegex } from "./regex.js";
import { renderSubject } from "./subject.js";
import type { Config, DesiredGroup, Icon, People, Person } from "./types.js";
import { locate, type ParsedYaml } from "./yaml.js";

export interface GroupContext {
  config: Config;
  people: Map<string, string>;
  serialRe: UserRegex | undefined;
  policyRe: UserRegex | undefined;
  /** reads a live subject back to its serial, undefined when the configuration cannot */
  parseSubject: ((subject: string) => string | undefined) | undefined;
  icons: IconReader;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
/** Code points in `s`, as `[...s].length` counts them (a lone surrogate is one), without the array. */
export function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * The group a parsed manifest declares, or undefined when it has a problem (each pushed to
 * `problems`, schema ones included in `schemaProblems`). Warnings never stop the group.
 */
export function buildGroup(
  p: ParsedYaml,
  dir: string,
  ctx: GroupContext,
  schemaProblems: Located[],
  problems: Located[],
  warnings: Located[],
): DesiredGroup | undefined {
  const raw = p.value as Record<string, unknown>;
  const found: Located[] = [...schemaProblems];
  const { config } = ctx;
  const serial = str(raw.serial);
  const title = str(raw.subject)?.trim();
  const description = str(raw.description);
  const retired = raw.retired === true;

  const serialFits = serial !== undefined && (!ctx.serialRe || ctx.serialRe.test(serial));
  if (serial !== undefined && !serialFits)
    found.push(
      locate(p, ["serial"], `serial "${serial}" does not match serialPattern ${config.serialPattern}`),
    );
  const subject =
    serial !== undefined && title !== undefined
      ? renderSubject(config.subjectFormat, serial, title)
      : undefined;
  if (subject !== undefined && codePoints(subject) > MAX_SUBJECT)
    found.push(
      locate(
        p,
        ["subject"],
        `rendered subject is ${codePoints(subject)} characters; WhatsApp allows ${MAX_SUBJECT}`,
      ),
    );
  else if (subject !== undefined && serialFits && ctx.parseSubject && ctx.parseSubject(subject) !== serial)
    // identity is the serial read back from the live subject: one that reads back differently
    // (or not at all) would make every run create the group again
    found.push(
      locate(
        p,
        ["subject"],
        `rendered subject "${subject}" does not read back as serial "${serial}" under subjectFormat "${config.subjectFormat}"; change the subject or the format`,
      ),
    );
  const descriptionFits = description === undefined || codePoints(description) <= MAX_DESCRIPTION;
  if (!descriptionFits)
    found.push(
      locate(
        p,
        ["description"],
        `description is ${codePoints(description!)} characters; WhatsApp allows ${MAX_DESCRIPTION}`,
      ),
    );
  if (ctx.policyRe && !retired && raw.description === undefined)
    found.push(
      locate(
        p,
        [],
        `description is required by policy.descriptionMustMatch (${config.policy.descriptionMustMatch})`,
      ),
    );
  // a description over the limit is already refused; matching it would only cost time
  else if (
    ctx.policyRe &&
    !retired &&
    description !== undefined &&
    descriptionFits &&
    !ctx.policyRe.test(description)
  )
    found.push(
      locate(
        p,
        ["description"],
        `description does not match policy.descriptionMustMatch (${config.policy.descriptionMustMatch})`,
      ),
    );

  // people in an ignored role are still resolved and checked: a typo there is still a typo, and a
  // group wagroups creates is still created with them
  const { admins, members } = resolvePeople(p, raw, ctx, found);
  const lifecycle = buildLifecycle(p, raw, found);
  const adminList = list(raw.admins);
  const memberList = list(raw.members);
  const total = (adminList?.length ?? 0) + (memberList?.length ?? 0) + 1;
  if (total > MAX_PARTICIPANTS)
    found.push(
      locate(
        p,
        [memberList ? "members" : "admins"],
        `group would have ${total} participants (admins + members + the instance); WhatsApp allows ${MAX_PARTICIPANTS}`,
        { key: true },
      ),
    );
  if (
    !retired &&
    (adminList?.length ?? 0) < config.safety.minAdmins &&
    (adminList || raw.admins === undefined)
  )
    found.push(
      locate(
        p,
        adminList ? ["admins"] : [],
        `needs at least ${config.safety.minAdmins} admin(s) besides the instance (safety.minAdmins)`,
        {
          key: true,
        },
      ),
    );

  let icon: Icon | undefined;
  const iconRef = str(raw.icon);
  if (iconRef !== undefined) {
    const r = ctx.icons.read(iconRef, dir);
    if (typeof r === "string") found.push(locate(p, ["icon"], r));
    else icon = r;
  }
  if (retired && typeof raw.id === "string")
    warnings.push(
      locate(
        p,
        ["retired"],
        `retires the pinned group ${raw.id}: the plan blocks it unless that group's live subject carries serial "${serial ?? "?"}" (a pin must not retire another group)`,
      ),
    );

  problems.push(...found);
  if (found.length || serial === undefined || title === undefined || subject === undefined) return undefined;
  const labels = list(raw.labels) as string[] | undefined;
  const farewell = str(raw.farewell);
  return {
    serial: detach(serial),
    title: detach(title),
    subject,
    // WhatsApp trims trailing white space; compare and send what it keeps
    ...(description !== undefined ? { description: detach(description.trimEnd()) } : {}),
    ...(icon ? { icon } : {}),
    ...(typeof raw.id === "string" ? { id: detach(raw.id) } : {}),
    settings: { ...config.defaults.settings, ...((raw.settings as Partial<DesiredGroup["settings"]>) ?? {}) },
    admins,
    members,
    removeUnlisted:
      typeof raw.removeUnlisted === "boolean" ? raw.removeUnlisted : config.defaults.removeUnlisted,
    retired,
    ...(farewell !== undefined ? { farewell: detach(farewell) } : {}),
    labels: (labels ?? []).map(detach),
    ...(lifecycle.welcome !== undefined ? { welcome: lifecycle.welcome } : {}),
    ...(lifecycle.goodbye !== undefined ? { goodbye: lifecycle.goodbye } : {}),
    ignore: lifecycle.ignore,
    file: p.file,
  };
}

// one table for every group's repeat check: groups are built one at a time
const listed = new PersonSet();

/** admins and members resolved; nobody listed twice, in both roles, or the instance itself */
function resolvePeople(
  p: ParsedYaml,
  raw: Record<string, unknown>,
  ctx: GroupContext,
  found: Located[],
): { admins: People; members: People } {
  const self = ctx.config.self === undefined ? undefined : personOf(ctx.config.self);
  const adminEntries = list(raw.admins) ?? [];
  const memberEntries = list(raw.members) ?? [];
  // the common case, lists without a problem: each entry resolved once, repeats found in a PersonSet
  listed.clear(adminEntries.length + memberEntries.length);
  const clean = (entries: unknown[]): People | undefined => {
    const out = new Float64Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (typeof entry !== "string") return undefined;
      const person = resolvePerson(entry, ctx.people);
      if (typeof person === "string" || person === self || !listed.add(person)) return undefined;
      out[i] = person;
    }
    return out;
  };
  const admins = clean(adminEntries);
  const members = admins && clean(memberEntries);
  if (admins && members) return { admins, members };

  // something is wrong: entry by entry, each problem said in order (the group is refused anyway)
  // person -> where first listed: its index in admins, or -1 - its index in members
  const seen = new Map<Person, number>();
  const resolveList = (role: "admins" | "members"): People => {
    const entries = role === "admins" ? adminEntries : memberEntries;
    const out = new Float64Array(entries.length);
    let n = 0;
    entries.forEach((entry, index) => {
      // other types are the schema's to report (a number comes with "quote it")
      if (typeof entry !== "string") return;
      const person = resolvePerson(entry, ctx.people);
      if (typeof person === "string") {
        found.push(locate(p, [role, index], person));
        return;
      }
      if (person === self) {
        found.push(
          locate(
            p,
            [role, index],
            `"${entry}" is the instance itself (self); it is always an admin, do not list it`,
          ),
        );
        return;
      }
      const prev = seen.get(person);
      if (prev !== undefined) {
        const prevRole = prev >= 0 ? "admins" : "members";
        const prevAt = locate(p, [prevRole, prev >= 0 ? prev : -1 - prev], "");
        found.push(
          locate(
            p,
            [role, index],
            prevRole === role
              ? `"${entry}" is listed twice in ${role} (also at line ${prevAt.line})`
              : `"${entry}" is listed in both ${prevRole} (line ${prevAt.line}) and ${role}`,
          ),
        );
        return;
      }
      seen.set(person, role === "admins" ? index : -1 - index);
      out[n++] = person;
    });
    return out.subarray(0, n);
  };
  return { admins: resolveList("admins"), members: resolveList("members") };
}
