// Load groups/**/*.yaml into the typed Desired model, collecting every problem with its place.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Located } from "../errors.js";
import { MAX_DESCRIPTION, MAX_PARTICIPANTS, MAX_SUBJECT } from "../whatsapp.js";
import { looksLikeAlias, parsePhone } from "./phone.js";
import { userRegex } from "./regex.js";
import { checkSchema } from "./schema.js";
import { renderSubject } from "./subject.js";
import {
  type Config,
  DEFAULT_CONFIG,
  type Desired,
  type DesiredGroup,
  type Icon,
  type Person,
} from "./types.js";
import { locate, type ParsedYaml, parseYaml } from "./yaml.js";
export const CONFIG_FILE = "wagroups.yaml";
export const PEOPLE_FILE = "people.yaml";

export interface LoadOptions {
  /** WAWP_SELF and friends; defaults to process.env */
  env?: Record<string, string | undefined>;
  /** base for the file names in messages; defaults to the working directory */
  cwd?: string;
}

export interface LoadResult {
  desired: Desired;
  problems: Located[];
  /** manifests read (not counting wagroups.yaml and people.yaml) */
  files: number;
}

/** Read and check a fleet. Never throws for bad input: every problem is in `problems`. */
export function loadFleet(dir: string, opts: LoadOptions = {}): LoadResult {
  const steps = loadSteps(dir, opts);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** The same, giving the event loop a turn every few dozen files (so reads in flight go on). */
export async function loadFleetAsync(dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const steps = loadSteps(dir, opts);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await new Promise((r) => setImmediate(r));
  }
}

function* loadSteps(dir: string, opts: LoadOptions): Generator<void, LoadResult> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const abs = path.resolve(cwd, dir);
  const rel = (f: string) => path.relative(cwd, f) || f;
  const problems: Located[] = [];
  const empty: Desired = { config: structuredClone(DEFAULT_CONFIG), groups: [], aliases: {} };
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    problems.push({ file: rel(abs), line: 0, column: 0, message: "manifest directory not found" });
    return { desired: empty, problems, files: 0 };
  }

  const config = loadConfig(path.join(abs, CONFIG_FILE), rel, env, problems);
  const people = loadPeople(path.join(abs, PEOPLE_FILE), rel, problems);
  const files = listManifests(abs);
  const groups: { group: DesiredGroup; parsed: ParsedYaml }[] = [];
  const ctx = { config, people, serialRe: safeRegex(config.serialPattern), policyRe: policyRegex(config) };
  for (const [i, file] of files.entries()) {
    if (i % 64 === 63) yield;
    const parsed = parseYaml(rel(file), readText(file));
    if (parsed.problems.length) {
      problems.push(...parsed.problems);
      continue;
    }
    if (parsed.value === null || parsed.value === undefined) {
      problems.push({
        file: parsed.file,
        line: 1,
        column: 1,
        message: "empty manifest (expected a group mapping)",
      });
      continue;
    }
    const schemaProblems = checkSchema("group", parsed);
    if (schemaProblems.length) {
      problems.push(...schemaProblems);
      continue;
    }
    const group = buildGroup(parsed, path.dirname(file), ctx, problems);
    if (group) groups.push({ group, parsed });
  }
  crossFileRules(groups, problems);
  const aliases: Record<string, string> = {};
  for (const [alias, jid] of people) if (!(jid in aliases)) aliases[jid] = alias;
  return { desired: { config, groups: groups.map((g) => g.group), aliases }, problems, files: files.length };
}

function readText(file: string): string {
  return readFileSync(file, "utf8");
}

function listManifests(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, top: boolean) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full, false);
      else if (/\.ya?ml$/i.test(e.name) && !(top && (e.name === CONFIG_FILE || e.name === PEOPLE_FILE)))
        out.push(full);
    }
  };
  walk(dir, true);
  return out;
}

function safeRegex(src: string): RegExp | undefined {
  try {
    return userRegex(src);
  } catch {
    return undefined;
  }
}

function policyRegex(config: Config): RegExp | undefined {
  const src = config.policy.descriptionMustMatch;
  return src ? safeRegex(src) : undefined;
}

function loadConfig(
  file: string,
  rel: (f: string) => string,
  env: Record<string, string | undefined>,
  problems: Located[],
): Config {
  const config = structuredClone(DEFAULT_CONFIG);
  let selfRaw = env.WAWP_SELF;
  let selfAt: Located = { file: "WAWP_SELF", line: 0, column: 0, message: "" };
  if (existsSync(file)) {
    const parsed = parseYaml(rel(file), readText(file));
    const found = parsed.problems.length ? parsed.problems : checkSchema("config", parsed);
    problems.push(...found);
    if (!found.length && parsed.value && typeof parsed.value === "object") {
      const v = parsed.value as RawConfig;
      if (v.subjectFormat) config.subjectFormat = v.subjectFormat;
      if (v.serialPattern) {
        config.serialPattern = v.serialPattern;
        if (!safeRegex(v.serialPattern))
          problems.push(locate(parsed, ["serialPattern"], "serialPattern is not a valid regular expression"));
      }
      Object.assign(config.defaults.settings, v.defaults?.settings ?? {});
      if (typeof v.defaults?.removeUnlisted === "boolean")
        config.defaults.removeUnlisted = v.defaults.removeUnlisted;
      Object.assign(config.limits, v.limits ?? {});
      Object.assign(config.safety, v.safety ?? {});
      Object.assign(config.policy, v.policy ?? {});
      Object.assign(config.invites, v.invites ?? {});
      if (v.policy?.descriptionMustMatch && !safeRegex(v.policy.descriptionMustMatch))
        problems.push(
          locate(
            parsed,
            ["policy", "descriptionMustMatch"],
            "descriptionMustMatch is not a valid regular expression",
          ),
        );
      if (v.self && !selfRaw) {
        selfRaw = v.self;
        selfAt = locate(parsed, ["self"], "");
      }
    }
  }
  if (selfRaw) {
    const r = parsePhone(selfRaw);
    if (r.ok) config.self = r.jid;
    else problems.push({ ...selfAt, message: `self "${selfRaw}" ${r.reason}` });
  }
  return config;
}

function loadPeople(file: string, rel: (f: string) => string, problems: Located[]): Map<string, string> {
  const people = new Map<string, string>();
  if (!existsSync(file)) return people;
  const parsed = parseYaml(rel(file), readText(file));
  const found = parsed.problems.length ? parsed.problems : checkSchema("people", parsed);
  problems.push(...found);
  if (found.length || !parsed.value || typeof parsed.value !== "object") return people;
  for (const [alias, entry] of Object.entries(parsed.value as Record<string, unknown>)) {
    const phone = typeof entry === "string" ? entry : String((entry as { phone: string }).phone);
    const r = parsePhone(phone);
    if (r.ok) people.set(alias, r.jid);
    else
      problems.push(
        locate(parsed, typeof entry === "string" ? [alias] : [alias, "phone"], `"${phone}" ${r.reason}`),
      );
  }
  return people;
}

/** wagroups.yaml as the schema allows it */
interface RawConfig {
  self?: string;
  subjectFormat?: string;
  serialPattern?: string;
  defaults?: { settings?: Partial<Config["defaults"]["settings"]>; removeUnlisted?: boolean };
  limits?: Partial<Config["limits"]>;
  safety?: Partial<Config["safety"]>;
  policy?: Partial<Config["policy"]>;
  invites?: Partial<Config["invites"]>;
}

interface GroupContext {
  config: Config;
  people: Map<string, string>;
  serialRe: RegExp | undefined;
  policyRe: RegExp | undefined;
}

interface RawGroup {
  serial: string;
  subject: string;
  description?: string;
  icon?: string;
  id?: string;
  settings?: Partial<DesiredGroup["settings"]>;
  admins?: string[];
  members?: string[];
  removeUnlisted?: boolean;
  retired?: boolean;
  farewell?: string;
  labels?: string[];
}

const iconCache = new Map<string, Icon | string>();

function buildGroup(
  p: ParsedYaml,
  dir: string,
  ctx: GroupContext,
  problems: Located[],
): DesiredGroup | undefined {
  const raw = p.value as RawGroup;
  const before = problems.length;
  const { config } = ctx;
  if (ctx.serialRe && !ctx.serialRe.test(raw.serial))
    problems.push(
      locate(p, ["serial"], `serial "${raw.serial}" does not match serialPattern ${config.serialPattern}`),
    );
  const subject = renderSubject(config.subjectFormat, raw.serial, raw.subject.trim());
  if ([...subject].length > MAX_SUBJECT)
    problems.push(
      locate(
        p,
        ["subject"],
        `rendered subject is ${[...subject].length} characters; WhatsApp allows ${MAX_SUBJECT}`,
      ),
    );
  if (raw.description !== undefined && [...raw.description].length > MAX_DESCRIPTION)
    problems.push(
      locate(
        p,
        ["description"],
        `description is ${[...raw.description].length} characters; WhatsApp allows ${MAX_DESCRIPTION}`,
      ),
    );
  if (ctx.policyRe && !raw.retired) {
    if (raw.description === undefined)
      problems.push(
        locate(
          p,
          [],
          `description is required by policy.descriptionMustMatch (${config.policy.descriptionMustMatch})`,
        ),
      );
    else if (!ctx.policyRe.test(raw.description))
      problems.push(
        locate(
          p,
          ["description"],
          `description does not match policy.descriptionMustMatch (${config.policy.descriptionMustMatch})`,
        ),
      );
  }

  // people: resolve, then check nobody is listed twice or in both roles
  const seen = new Map<string, { role: string; index: number }>();
  const resolveList = (role: "admins" | "members"): Person[] => {
    const out: Person[] = [];
    (raw[role] ?? []).forEach((entry, index) => {
      const person = resolvePerson(entry, ctx.people);
      if ("error" in person) {
        problems.push(locate(p, [role, index], person.error));
        return;
      }
      if (person.jid === config.self) {
        problems.push(
          locate(
            p,
            [role, index],
            `"${entry}" is the instance itself (self); it is always an admin, do not list it`,
          ),
        );
        return;
      }
      const prev = seen.get(person.jid);
      if (prev) {
        const prevAt = locate(p, [prev.role, prev.index], "");
        problems.push(
          locate(
            p,
            [role, index],
            prev.role === role
              ? `"${entry}" is listed twice in ${role} (also at line ${prevAt.line})`
              : `"${entry}" is listed in both ${prev.role} (line ${prevAt.line}) and ${role}`,
          ),
        );
        return;
      }
      seen.set(person.jid, { role, index });
      out.push(person);
    });
    return out;
  };
  const admins = resolveList("admins");
  const members = resolveList("members");
  const total = (raw.admins?.length ?? 0) + (raw.members?.length ?? 0) + 1;
  if (total > MAX_PARTICIPANTS)
    problems.push(
      locate(
        p,
        [raw.members ? "members" : "admins"],
        `group would have ${total} participants (admins + members + the instance); WhatsApp allows ${MAX_PARTICIPANTS}`,
        { key: true },
      ),
    );
  if (!raw.retired && (raw.admins?.length ?? 0) < config.safety.minAdmins)
    problems.push(
      locate(
        p,
        raw.admins ? ["admins"] : [],
        `needs at least ${config.safety.minAdmins} admin(s) besides the instance (safety.minAdmins)`,
        { key: true },
      ),
    );

  let icon: Icon | undefined;
  if (raw.icon !== undefined) {
    const r = readIcon(raw.icon, dir);
    if (typeof r === "string") problems.push(locate(p, ["icon"], r));
    else icon = r;
  }
  if (problems.length > before) return undefined;
  return {
    serial: raw.serial,
    title: raw.subject.trim(),
    subject,
    // WhatsApp trims trailing white space; compare and send what it keeps
    ...(raw.description !== undefined ? { description: raw.description.trimEnd() } : {}),
    ...(icon ? { icon } : {}),
    ...(raw.id ? { id: raw.id } : {}),
    settings: { ...config.defaults.settings, ...(raw.settings ?? {}) },
    admins,
    members,
    removeUnlisted: raw.removeUnlisted ?? config.defaults.removeUnlisted,
    retired: raw.retired ?? false,
    ...(raw.farewell !== undefined ? { farewell: raw.farewell } : {}),
    labels: raw.labels ?? [],
    file: p.file,
  };
}

function resolvePerson(entry: string, people: Map<string, string>): Person | { error: string } {
  const key = entry.trim();
  const aliased = people.size ? people.get(key) : undefined;
  if (aliased) return { jid: aliased, alias: key };
  if (looksLikeAlias(key)) return { error: `unknown alias "${key}" (not in people.yaml)` };
  const r = parsePhone(key);
  if (!r.ok) return { error: `"${entry}" ${r.reason}` };
  return { jid: r.jid };
}

function readIcon(rel: string, dir: string): Icon | string {
  const absPath = path.resolve(dir, rel);
  const hit = iconCache.get(absPath);
  if (hit) return typeof hit === "string" ? hit : { ...hit, path: rel };
  let result: Icon | string;
  if (!existsSync(absPath) || !statSync(absPath).isFile()) result = `icon file "${rel}" not found`;
  else {
    const bytes = readFileSync(absPath);
    const mimetype = sniffImage(bytes);
    if (!mimetype) result = `icon "${rel}" is not a JPEG or PNG file`;
    else if (bytes.length > 5 * 1024 * 1024) result = `icon "${rel}" is larger than 5 MiB`;
    else
      result = {
        path: rel,
        absPath,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        mimetype,
        size: bytes.length,
      };
  }
  iconCache.set(absPath, result);
  return result;
}

export function sniffImage(bytes: Uint8Array): Icon["mimetype"] | undefined {
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return "image/png";
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return undefined;
}

function crossFileRules(groups: { group: DesiredGroup; parsed: ParsedYaml }[], problems: Located[]): void {
  for (const field of ["serial", "id"] as const) {
    const by = new Map<string, { group: DesiredGroup; parsed: ParsedYaml }[]>();
    for (const g of groups) {
      const v = g.group[field];
      if (v) by.set(v, [...(by.get(v) ?? []), g]);
    }
    for (const [value, list] of by) {
      if (list.length < 2) continue;
      for (const g of list) {
        const others = list
          .filter((o) => o !== g)
          .map((o) => {
            const at = locate(o.parsed, [field], "");
            return `${at.file}:${at.line}:${at.column}`;
          });
        problems.push(
          locate(g.parsed, [field], `duplicate ${field} "${value}", also declared in ${others.join(", ")}`),
        );
      }
    }
  }
  // groups with a duplicate are not safe to reconcile
  const bad = new Set(problems.map((p) => p.file));
  for (let i = groups.length - 1; i >= 0; i--) if (bad.has(groups[i]!.group.file)) groups.splice(i, 1);
}
