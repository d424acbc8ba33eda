import { UsageError } from "../../errors.js";
import { initFleet } from "../../init/init.js";
import type { Output } from "../output.js";

export interface InitCommandOptions {
  self?: string;
  groups?: string;
  branch?: string;
  shards?: string;
}

/** `wagroups init [DIR]`: a manifests-only fleet repository; never overwrites a file. */
export function initCommand(dir: string, opts: InitCommandOptions, io: Output): void {
  const shards = opts.shards === undefined ? undefined : Number(opts.shards);
  if (shards !== undefined && !Number.isInteger(shards))
    throw new UsageError(`--shards takes a whole number (got "${opts.shards}")`);
  const r = initFleet(dir, {
    ...(opts.self ? { self: opts.self } : {}),
    ...(opts.groups ? { groups: opts.groups } : {}),
    ...(opts.branch ? { branch: opts.branch } : {}),
    ...(shards !== undefined ? { shards } : {}),
  });
  for (const f of r.written) io.out(`+ ${f}\n`);
  for (const f of r.skipped) io.out(`= ${f} (exists; not overwritten)\n`);
  io.out(
    r.written.length
      ? `Wrote ${r.written.length} file(s) in ${dir}. Next: set the secrets WAWP_INSTANCE_ID and WAWP_ACCESS_TOKEN in the repository, then \`wagroups validate\` and \`wagroups plan\`.\n`
      : `Nothing written: every file already exists in ${dir}.\n`,
  );
}
