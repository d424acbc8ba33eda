// `wagroups init`: the files a fleet repository starts from. It holds manifests, the schemas editors check
// them against, and the workflows; never this project's source. Nothing that exists is overwritten.
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../errors.js";
import { SCHEMA_DIR, SCHEMA_NAMES } from "../manifest/schema.js";
import { applyWorkflow, driftWorkflow, planWorkflow } from "./workflows.js";

export interface InitOptions {
  /** the instance's own number, written as `self` (else left for the user, or WAWP_SELF) */
  self?: string;
  /** the manifest directory inside the repository (default `groups`) */
  groups?: string;
  /** the branch whose pushes are applied (default `main`) */
  branch?: string;
  /** apply in this many shards (default 1) */
  shards?: number;
}

export interface InitResult {
  /** paths relative to the repository, in the order written */
  written: string[];
  /** paths that existed and were left as they were */
  skipped: string[];
}

/** Public address of a schema, from its own `$id`: what a manifest points to when no copy is near. */
const SCHEMA_URL = "https://wagroups.dev/schemas/";

/**
 * The `# yaml-language-server: $schema=…` line for the manifest `file`: a relative path to the nearest
 * `schemas/<name>.schema.json` up the tree (stopping at the repository's root, the directory holding
 * `.git`), else the schema's public address. Never an absolute path of the machine that wrote it.
 */
export function schemaLine(file: string, name: "group" | "config" | "people"): string {
  const from = path.dirname(path.resolve(file));
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "schemas", `${name}.schema.json`);
    if (existsSync(candidate))
      return `# yaml-language-server: $schema=${path.relative(from, candidate).split(path.sep).join("/")}`;
    if (existsSync(path.join(dir, ".git")) || path.dirname(dir) === dir) break;
  }
  return `# yaml-language-server: $schema=${SCHEMA_URL}${name}.schema.json`;
}

const SAFE_DIR = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\w.-]+(\/[\w.-]+)*$/;

/** Scaffold a fleet repository in `dir`; returns what was written and what already existed. */
export function initFleet(dir: string, opts: InitOptions = {}): InitResult {
  const groups = opts.groups ?? "groups";
  if (!SAFE_DIR.test(groups))
    throw new ConfigError(
      `init: the manifest directory "${groups}" must be a relative path inside the repository`,
    );
  const shards = opts.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1 || shards > 64)
    throw new ConfigError(`init: shards must be a whole number from 1 to 64 (got ${shards})`);
  const branch = opts.branch ?? "main";
  if (!/^[\w./-]+$/.test(branch))
    throw new ConfigError(`init: "${branch}" is not a branch name init can write`);
  if (opts.self !== undefined && !/^\+?[\d\s().-]{7,20}$/.test(opts.self))
    throw new ConfigError(`init: self "${opts.self}" is not a phone number (e.g. "+1 415 555 0100")`);

  const root = path.resolve(dir);
  const result: InitResult = { written: [], skipped: [] };
  const write = (rel: string, content: () => string | { copy: string }) => {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    if (existsSync(file)) {
      result.skipped.push(rel);
      return;
    }
    const c = content();
    if (typeof c === "string") {
      let fd: number;
      try {
        fd = openSync(file, "wx"); // exclusive: a file that appeared meanwhile is not overwritten either
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") {
          result.skipped.push(rel);
          return;
        }
        throw e;
      }
      try {
        writeSync(fd, c);
      } finally {
        closeSync(fd);
      }
    } else copyFileSync(c.copy, file, 1 /* COPYFILE_EXCL */);
    result.written.push(rel);
  };

  // schemas first, so the manifests' $schema lines find them
  for (const name of SCHEMA_NAMES)
    write(`schemas/${name}.schema.json`, () => ({
      copy: fileURLToPath(new URL(`${name}.schema.json`, SCHEMA_DIR)),
    }));
  const at = (rel: string) => path.join(root, rel);
  write(`${groups}/wagroups.yaml`, () =>
    configYaml(schemaLine(at(`${groups}/wagroups.yaml`), "config"), opts.self),
  );
  write(`${groups}/people.yaml`, () => peopleYaml(schemaLine(at(`${groups}/people.yaml`), "people")));
  write(`${groups}/example/TEAM-1.yaml`, () =>
    exampleYaml(schemaLine(at(`${groups}/example/TEAM-1.yaml`), "group")),
  );
  const w = { groups, branch, shards };
  write(".github/workflows/wagroups-plan.yml", () => planWorkflow(w));
  write(".github/workflows/wagroups-apply.yml", () => applyWorkflow(w));
  write(".github/workflows/wagroups-drift.yml", () => driftWorkflow(w));
  return result;
}

function configYaml(schema: string, self: string | undefined): string {
  return `${schema}
# Fleet-wide configuration. Every key is optional; these are the defaults.
${self ? `self: "${self}"` : `# self: "+1 415 555 0100"`} # the instance's own number (or set WAWP_SELF)
subjectFormat: "{serial} | {subject}"
serialPattern: "^[A-Z][A-Z0-9]*-[0-9]+$"
defaults:
  settings: { sendMessages: all, editInfo: admins, addMembers: admins, approveJoins: false }
limits:
  createsPerHour: 6 # group creations per rolling hour, per instance
  requestsPerMinute: 30 # all mutating calls, per instance
  concurrency: 4 # read calls in flight
safety:
  maxRemovalRatio: 0.25 # above it, apply refuses without --force
  minAdmins: 1 # human admins besides the instance
policy:
  descriptionMustMatch: "(?i)leave" # every group tells people they may leave
invites:
  fallback: true # a privacy refusal gets the invite link 1:1
  cooldownDays: 7
`;
}

function peopleYaml(schema: string): string {
  return `${schema}
# The directory: aliases the manifests use in admins and members. Each real number lives here, once.
alex: { phone: "+1 415 555 0101", name: "Alex (replace with a real person)" }
`;
}

function exampleYaml(schema: string): string {
  return `${schema}
# One group per file, any depth under this directory. The serial is the group's identity: never change it.
serial: TEAM-1
subject: Example team # live subject: "TEAM-1 | Example team"
description: |
  What this group is for, pinned for everyone who joins.
  You can leave this group at any time.
settings:
  sendMessages: all # all | admins
admins:
  - alex
members:
  - "+1 415 555 0102"
`;
}
