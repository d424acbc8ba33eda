// Load groups/**/*.yaml into the typed Desired model, collecting every problem with its place:
// the orchestration. The rules live beside it: config.ts, people.ts, group.ts, icon.ts,
// fleet-rules.ts; files.ts keeps every read inside the repository and under its size cap.
import { lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import type { Located } from "../errors.js";
import { loadConfig } from "./config.js";
import {
  directoryProblem,
  listManifests,
  MAX_MANIFEST_BYTES,
  MAX_PEOPLE_BYTES,
  type ManifestFile,
  readInside,
  repositoryRoot,
} from "./files.js";
import { crossFileRules } from "./fleet-rules.js";
import { buildGroup, type GroupContext } from "./group.js";
import { IconReader } from "./icon.js";
import { loadPeople } from "./people.js";
import { type UserRegex, userRegex } from "./regex.js";
import { checkSchema } from "./schema.js";
import { subjectParser } from "./subject.js";
import { DEFAULT_CONFIG, type Desired, type DesiredGroup } from "./types.js";
import { locate, MAX_NODES, type ParsedYaml, parseYaml } from "./yaml.js";

export const CONFIG_FILE = "wagroups.yaml";
export const PEOPLE_FILE = "people.yaml";
/** people.yaml may name tens of thousands of people, each a few values */
const MAX_PEOPLE_NODES = 1_000_000;

export interface LoadOptions {
  /** WAWP_SELF and friends; defaults to process.env */
  env?: Record<string, string | undefined>;
  /** base for the file names in messages; defaults to the working directory */
  cwd?: string;
}

export interface LoadResult {
  desired: Desired;
  /** everything that makes the fleet invalid, each with file, line and column */
  problems: Located[];
  /** worth saying, not blocking: `validate` prints them and still passes */
  warnings: Located[];
  /** manifests read (not counting wagroups.yaml and people.yaml) */
  files: number;
  /** set when the directory itself cannot be read (missing, not a directory): one plain sentence,
   * also in `problems` at line 0 */
  unusable?: string;
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
  const warnings: Located[] = [];
  const unusable = directoryProblem(abs, dir);
  if (unusable) {
    const empty: Desired = { config: structuredClone(DEFAULT_CONFIG), groups: [], aliases: {} };
    problems.push({ file: rel(abs), line: 0, column: 0, message: unusable });
    return { desired: empty, problems, warnings, files: 0, unusable };
  }
  const realDir = realpathSync.native(abs);
  const root = repositoryRoot(abs);
  /** a YAML file of the fleet, parsed; a refused read comes back as its one problem */
  const read = (file: string, maxBytes: number, maxNodes = MAX_NODES, real?: string): ParsedYaml => {
    const r = readInside(root, file, maxBytes, path.basename(file), real);
    if (!r.ok)
      return {
        file: rel(file),
        value: null,
        problems: [{ file: rel(file), line: 1, column: 1, message: r.reason }],
        positions: () => {
          throw new Error("a refused file has no positions");
        },
      };
    return parseYaml(rel(file), r.bytes.toString("utf8"), { maxNodes });
  };
  const optional = (name: string, maxBytes: number, maxNodes?: number) => {
    const file = path.join(abs, name);
    return existsLike(file) ? read(file, maxBytes, maxNodes) : undefined;
  };

  const config = loadConfig(optional(CONFIG_FILE, MAX_MANIFEST_BYTES), env, problems);
  const people = loadPeople(optional(PEOPLE_FILE, MAX_PEOPLE_BYTES, MAX_PEOPLE_NODES), problems);
  const ctx: GroupContext = {
    config,
    people,
    serialRe: compiled(config.serialPattern),
    policyRe: config.policy.descriptionMustMatch ? compiled(config.policy.descriptionMustMatch) : undefined,
    parseSubject: subjectParserOrUndefined(config.subjectFormat, config.serialPattern),
    icons: new IconReader(root),
  };
  const files = listManifests(abs, [CONFIG_FILE, PEOPLE_FILE], realDir);
  let groups: DesiredGroup[] = [];
  const sources = new Map<DesiredGroup, ManifestFile>();
  for (const [i, file] of files.entries()) {
    if (i % 64 === 63) yield;
    const parsed = read(file.path, MAX_MANIFEST_BYTES, MAX_NODES, file.real);
    if (parsed.problems.length) {
      problems.push(...parsed.problems);
      continue;
    }
    if (parsed.value === null) {
      problems.push({
        file: parsed.file,
        line: 1,
        column: 1,
        message: "empty manifest (expected a group mapping)",
      });
      continue;
    }
    const schemaProblems = checkSchema("group", parsed);
    if (typeof parsed.value !== "object" || Array.isArray(parsed.value)) {
      problems.push(...schemaProblems);
      continue;
    }
    // the parsed file (and its text) is dropped here: only the group is kept
    const group = buildGroup(parsed, path.dirname(file.path), ctx, schemaProblems, problems, warnings);
    if (group) {
      groups.push(group);
      sources.set(group, file);
    }
  }
  groups = crossFileRules(
    groups,
    (g, field) => {
      const file = sources.get(g)!;
      const at = locate(read(file.path, MAX_MANIFEST_BYTES, MAX_NODES, file.real), [field], "");
      return { file: at.file, line: at.line, column: at.column };
    },
    problems,
  );
  const aliases: Record<string, string> = {};
  for (const [alias, jid] of people) if (!(jid in aliases)) aliases[jid] = alias;
  return { desired: { config, groups, aliases }, problems, warnings, files: files.length };
}

/** true when a path exists at all (a dangling or escaping symlink too), so it is read and refused
 * with its reason rather than silently treated as absent */
function existsLike(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function compiled(src: string): UserRegex | undefined {
  try {
    return userRegex(src);
  } catch {
    // refused with its reason by loadConfig; the default stays in force
    return undefined;
  }
}

function subjectParserOrUndefined(format: string, serialPattern: string) {
  try {
    return subjectParser(format, serialPattern);
  } catch {
    return undefined;
  }
}
