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
  readTextInside,
  repositoryRoot,
} from "./files.js";
import { crossFileRules } from "./fleet-rules.js";
import { buildGroup, type GroupContext } from "./group.js";
import { IconReader } from "./icon.js";
import { loadPeople } from "./people.js";
import { type UserRegex, userRegex } from "./regex.js";
import { checkSchema } from "./schema.js";
import { subjectParser } from "./subject.js";
import { type Config, DEFAULT_CONFIG, type Desired, type DesiredGroup } from "./types.js";
import { CONFIG_FILE, type LoadWorkers, PEOPLE_FILE, startLoadWorkers } from "./workers.js";
import { locate, MAX_NODES, type ParsedYaml, parseYaml } from "./yaml.js";

/** people.yaml may name tens of thousands of people, each a few values */
const MAX_PEOPLE_NODES = 1_000_000;

export interface LoadOptions {
  /** WAWP_SELF and friends; defaults to process.env */
  env?: Record<string, string | undefined>;
  /** base for the file names in messages; defaults to the working directory */
  cwd?: string;
  /** worker threads building groups besides the main thread, for loadFleetAsync only; by default
   * one per further core for a fleet of 5,000 manifests or more, else none */
  workers?: number;
  /** the listing and workers startLoadWorkers made for this directory ahead of the loader's modules
   * (loadFleetAsync; for another directory they are stopped and the fleet listed again) */
  started?: LoadWorkers;
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
  const steps = loadSteps(dir, opts, false);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** The same, giving the event loop a turn every few dozen files (so reads in flight go on), and
 * building the groups of a large fleet on every core (worker threads, see parallelBuild). */
export async function loadFleetAsync(dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const steps = loadSteps(dir, opts, true);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await (next.value ?? new Promise((r) => setImmediate(r)));
  }
}

function* loadSteps(
  dir: string,
  opts: LoadOptions,
  /** set by loadFleetAsync: the generator may yield a promise for the driver to await */
  async: boolean,
): Generator<Promise<unknown> | undefined, LoadResult> {
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
  const read = yamlReader(root, cwd);
  const optional = (name: string, maxBytes: number, maxNodes?: number) => {
    const file = path.join(abs, name);
    return existsLike(file) ? read(file, maxBytes, maxNodes) : undefined;
  };

  // a large fleet's workers start before anything is parsed, so they boot while the main thread works
  let pool = opts.started;
  if (pool && (!async || pool.dir !== abs)) {
    for (const t of pool.threads) void t.worker.terminate();
    pool = undefined;
  }
  if (!pool && async)
    pool = startLoadWorkers(dir, { cwd, ...(opts.workers !== undefined ? { workers: opts.workers } : {}) });
  const files = pool?.files ?? listManifests(abs, [CONFIG_FILE, PEOPLE_FILE], realDir);
  const config = loadConfig(optional(CONFIG_FILE, MAX_MANIFEST_BYTES), env, problems);
  const people = loadPeople(optional(PEOPLE_FILE, MAX_PEOPLE_BYTES, MAX_PEOPLE_NODES), problems);
  const ctx = groupContext(config, people, root);
  const built = pool?.threads.length
    ? yield* parallelBuild(pool, { config, people }, (from, to) => buildFiles(files, from, to, read, ctx))
    : yield* sequentialBuild(files, read, ctx);
  let groups: DesiredGroup[] = [];
  const sources = new Map<DesiredGroup, ManifestFile>();
  for (const b of built) {
    problems.push(...b.problems);
    warnings.push(...b.warnings);
    b.groups.forEach((g, i) => {
      groups.push(g);
      sources.set(g, files[b.at[i]!]!);
    });
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

/** The groups, problems and warnings of files[from..to), each in file order; `at` holds the index
 * (in the whole list) of the file each group came from. */
export interface Built {
  groups: DesiredGroup[];
  at: number[];
  problems: Located[];
  warnings: Located[];
}

function* sequentialBuild(
  files: ManifestFile[],
  read: YamlReader,
  ctx: GroupContext,
): Generator<undefined, Built[]> {
  const out: Built[] = [];
  for (let from = 0; from < files.length; from += BLOCK) {
    if (from) yield;
    out.push(buildFiles(files, from, Math.min(from + BLOCK, files.length), read, ctx));
  }
  return out;
}

/** files per share of the work, claimed one at a time by whichever thread is free; the main thread
 * lets the event loop turn after each */
export const BLOCK = 64;

/** What a worker is sent before it builds: the configuration and people the main thread loaded
 * (plain data; the rest it was given when it started, see WorkerData). */
export interface WorkerInput {
  config: Config;
  people: Map<string, string>;
}

export type WorkerMessage = { block: number; built: Built } | { done: true };

/**
 * Build the groups on the main thread and the pool's workers at once, each claiming the next block
 * of files as it is free; the blocks are put back in file order, so problems and warnings come out
 * exactly as from the sequential build. A block a worker claimed but never returned (it failed to
 * start or crashed) is built again here.
 */
function* parallelBuild(
  pool: LoadWorkers,
  input: WorkerInput,
  build: (from: number, to: number) => Built,
): Generator<Promise<unknown> | undefined, Built[]> {
  const { files } = pool;
  const blocks = Math.ceil(files.length / BLOCK);
  const out: (Built | undefined)[] = new Array(blocks);
  const counter = new Int32Array(pool.next);
  const finished = pool.threads.map(
    ({ worker, ended }) =>
      new Promise<unknown>((resolve) => {
        worker.ref();
        worker.on("message", (m: WorkerMessage) => {
          if ("done" in m) resolve(undefined);
          else out[m.block] = m.built;
        });
        void ended.then(resolve);
        worker.postMessage(input);
      }),
  );
  for (;;) {
    const b = Atomics.add(counter, 0, 1);
    if (b >= blocks) break;
    out[b] = build(b * BLOCK, Math.min((b + 1) * BLOCK, files.length));
    yield;
  }
  yield Promise.all(finished);
  for (let b = 0; b < blocks; b++) out[b] ??= build(b * BLOCK, Math.min((b + 1) * BLOCK, files.length));
  return out as Built[];
}

/** Build the groups of files[from..to). */
export function buildFiles(
  files: ManifestFile[],
  from: number,
  to: number,
  read: YamlReader,
  ctx: GroupContext,
): Built {
  const built: Built = { groups: [], at: [], problems: [], warnings: [] };
  const { problems, warnings } = built;
  for (let i = from; i < to; i++) {
    const file = files[i]!;
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
      built.groups.push(group);
      built.at.push(i);
    }
  }
  return built;
}

export type YamlReader = (file: string, maxBytes: number, maxNodes?: number, real?: string) => ParsedYaml;

/** Reads a YAML file of the fleet, parsed; a refused read comes back as its one problem. */
export function yamlReader(root: string, cwd: string): YamlReader {
  const rel = relativeTo(cwd);
  return (file, maxBytes, maxNodes = MAX_NODES, real) => {
    const r = readTextInside(root, file, maxBytes, path.basename(file), real);
    if (!r.ok)
      return {
        file: rel(file),
        value: null,
        problems: [{ file: rel(file), line: 1, column: 1, message: r.reason }],
        positions: () => {
          throw new Error("a refused file has no positions");
        },
      };
    return parseYaml(rel(file), r.text, { maxNodes });
  };
}

/** `f` as messages name it, relative to `cwd`: a listed file (a normalized path below it) is cut
 * from it, which path.relative's normalizing of both paths made a tenth of reading a small file. */
function relativeTo(cwd: string): (f: string) => string {
  const prefix = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  return (f) =>
    f.startsWith(prefix) && !f.includes(`${path.sep}.`) && !f.includes(path.sep + path.sep)
      ? f.slice(prefix.length)
      : path.relative(cwd, f) || f;
}

/** The context a manifest's rules need, rebuilt the same way from plain data in every thread. */
export function groupContext(config: Config, people: Map<string, string>, root: string): GroupContext {
  return {
    config,
    people,
    serialRe: compiled(config.serialPattern),
    policyRe: config.policy.descriptionMustMatch ? compiled(config.policy.descriptionMustMatch) : undefined,
    parseSubject: subjectParserOrUndefined(config.subjectFormat, config.serialPattern),
    icons: new IconReader(root),
  };
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
