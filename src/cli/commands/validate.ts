import { ExitError, formatLocated } from "../../errors.js";
import { type LoadResult, loadFleet, loadFleetAsync } from "../../manifest/load.js";
import { countDistinct } from "../../manifest/persons.js";
import type { LoadWorkers } from "../../manifest/workers.js";
import type { Output } from "../output.js";

export interface ValidateOptions {
  dir: string;
  /** the fleet's listing and loader threads, started ahead (program.ts) */
  started?: LoadWorkers | undefined;
}

/** Print every problem as `file:line:col  message`; exit 1 if there is any. */
export async function validateCommand(opts: ValidateOptions, io: Output): Promise<void> {
  const result = await loadOrExitAsync(opts.dir, io, opts.started);
  if (result.files === 0)
    throw new ExitError(
      1,
      `found no manifests in ${opts.dir} (looked for *.yaml besides wagroups.yaml and people.yaml)`,
    );
  const people = countDistinct(result.desired.groups.flatMap((g) => [g.admins, g.members]));
  io.out(
    `${result.files} manifest(s) valid: ${result.desired.groups.length} group(s), ${people} distinct people.\n`,
  );
}

/** Load the fleet; on any problem print them all and stop with exit 1. */
export function loadOrExit(dir: string, io: Output): LoadResult {
  return exitOnProblems(loadFleet(dir), io);
}

export async function loadOrExitAsync(
  dir: string,
  io: Output,
  started?: LoadWorkers | undefined,
): Promise<LoadResult> {
  return exitOnProblems(await loadFleetAsync(dir, started ? { started } : {}), io);
}

function exitOnProblems(result: LoadResult, io: Output): LoadResult {
  // a missing --dir is one plain line, not a located problem
  if (result.unusable) throw new ExitError(1, result.unusable);
  for (const w of result.warnings) io.err(`${formatLocated({ ...w, message: `warning: ${w.message}` })}\n`);
  if (result.problems.length) {
    const sorted = [...result.problems].sort((a, b) =>
      a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1,
    );
    for (const p of sorted) io.err(`${formatLocated(p)}\n`);
    throw new ExitError(
      1,
      `${sorted.length} problem(s) in ${new Set(sorted.map((p) => p.file)).size} file(s)`,
    );
  }
  return result;
}
