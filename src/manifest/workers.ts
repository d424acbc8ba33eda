// The worker threads that build a large fleet's groups beside the main thread (load.ts,
// parallelBuild). Kept apart from the loader's modules so a command can start them first thing:
// a worker's start (Node's and the loader's modules, 45 ms on an idle core, three times that beside
// a busy main thread) then runs on the second core while the main thread loads its own modules,
// instead of after. Only node: modules and files.ts are imported here.
import { existsSync, realpathSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { directoryProblem, listManifests, type ManifestFile, repositoryRoot } from "./files.js";

export const CONFIG_FILE = "wagroups.yaml";
export const PEOPLE_FILE = "people.yaml";

/** A fleet this large has its groups built on every core; below it a worker's start (100-150 ms with
 * its modules) costs more than it saves: measured with test/bench/validate.mjs on 2 cores, 1,000
 * manifests x 100 took 0.44 s with a worker and 0.37 s without, 10,000 x 100 1.36 s and 1.60 s. */
const PARALLEL_FILES = 5_000;

const WORKER_URL = new URL("./load-worker.js", import.meta.url);
const WORKER_FILE = WORKER_URL.protocol === "file:" ? fileURLToPath(WORKER_URL) : "";

/** A fleet's manifests, listed once, and the workers started to build them. */
export interface LoadWorkers {
  /** the manifest directory, resolved */
  dir: string;
  root: string;
  files: ManifestFile[];
  /** one Int32: the next block to claim, shared by every thread */
  next: SharedArrayBuffer;
  threads: { worker: Worker; ended: Promise<void> }[];
}

/** What a worker is given when it starts; the configuration and people follow in its first message. */
export interface WorkerData {
  root: string;
  cwd: string;
  files: ManifestFile[];
  next: SharedArrayBuffer;
}

/**
 * List the fleet in `dir` and start its workers now, when it is large enough to want them (or when
 * `workers` says how many). Undefined when the directory cannot be read: the loader then says why.
 */
export function startLoadWorkers(
  dir: string,
  opts: { cwd?: string; workers?: number } = {},
): LoadWorkers | undefined {
  const cwd = opts.cwd ?? process.cwd();
  const abs = path.resolve(cwd, dir);
  if (directoryProblem(abs, dir)) return undefined;
  const root = repositoryRoot(abs);
  const files = listManifests(abs, [CONFIG_FILE, PEOPLE_FILE], realpathSync.native(abs));
  const next = new SharedArrayBuffer(4);
  const data: WorkerData = { root, cwd, files, next };
  const threads: LoadWorkers["threads"] = [];
  for (let i = 0; i < workersFor(files.length, opts.workers); i++) {
    const worker = new Worker(WORKER_URL, { workerData: data });
    // a worker that failed leaves its claimed block to the main thread (an error is followed by
    // exit); one the loader has not taken yet does not keep the process alive
    worker.on("error", () => {});
    const ended = new Promise<void>((resolve) => worker.on("exit", () => resolve()));
    worker.unref();
    threads.push({ worker, ended });
  }
  return { dir: abs, root, files, next, threads };
}

/** Worker threads to start besides the main thread: none for a small fleet, on one core, or where
 * the worker's entry was not built (the action's single-file bundle, src/ under vitest). */
function workersFor(files: number, asked: number | undefined): number {
  if (asked !== undefined) return asked > 0 && existsSync(WORKER_FILE) ? Math.floor(asked) : 0;
  const cores = availableParallelism();
  if (files < PARALLEL_FILES || cores < 2 || !existsSync(WORKER_FILE)) return 0;
  return cores - 1;
}
