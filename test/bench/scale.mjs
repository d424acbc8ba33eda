// How plan and validate grow with the fleet, each against a floor measured in the same run
// (test/bench/floor.mjs: the same listing paged and JSON-parsed, the same manifests YAML-parsed,
// nothing kept), with the peak RSS of every process. Sizes are groups x participants (the instance
// included, so a manifest lists one person fewer); 1% of the groups are renamed, so the plan has
// changes but reads nothing beyond the listing.
// Usage: npm run build && node test/bench/scale.mjs            quick (under 2 minutes)
//        node test/bench/scale.mjs --full                      the whole curve (about 15 minutes)
//        node test/bench/scale.mjs plan|validate GROUPS PARTICIPANTS [RUNS]
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { makeFleet } from "./fleet.mjs";
import { BIN, median, serve, timed } from "./serve.mjs";

const FLOOR = new URL("./floor.mjs", import.meta.url).pathname;
const MiB = 1024; // maxRSS is in KiB

const QUICK = [
  ["plan", 100, 100, 3],
  ["plan", 1000, 100, 3],
  ["validate", 1000, 100, 3],
];
const FULL = [
  ["plan", 100, 100, 3],
  ["plan", 300, 100, 3],
  ["plan", 1000, 100, 3],
  ["plan", 3000, 100, 3],
  ["plan", 10000, 100, 3],
  ["plan", 1000, 1024, 3],
  ["plan", 10000, 1024, 1],
  ["validate", 10000, 100, 5],
];

const args = process.argv.slice(2);
const cases =
  args[0] === "--full"
    ? FULL
    : args.length >= 3
      ? [[args[0], Number(args[1]), Number(args[2]), Number(args[3] ?? 3)]]
      : QUICK;

/** Run node with `args`, the process reporting its own peak RSS on exit (process.exit included). */
async function measured(nodeArgs, env) {
  const r = await timed(process.execPath, nodeArgs, env);
  const kb = Number(/maxrss (\d+)/.exec(r.err)?.[1]);
  if (!kb) throw new Error(`no peak RSS reported (exit ${r.code}): ${r.err.slice(-600)}`);
  return { ...r, kb };
}

/** the CLI itself, in a wrapper that reports its peak RSS when it exits */
const PEAK = new URL("./peak.mjs", import.meta.url).pathname;
const cli = (argv) => [PEAK, BIN, ...argv];

async function bench([command, groups, participants, runs]) {
  const dir = mkdtempSync(path.join(tmpdir(), "wagroups-bench-"));
  const t0 = performance.now();
  const { groupsDir, stateFile } = makeFleet(dir, {
    groups,
    members: participants - 1,
    drift: Math.floor(groups / 100),
    driftMembers: false,
  });
  const made = performance.now() - t0;
  const server = command === "plan" ? await serve(["--state", stateFile]) : undefined;
  const env = server?.env ?? { ...process.env, NO_COLOR: "1" };
  const floorArgs = [FLOOR, command === "plan" ? "plan" : "yaml", groupsDir, String(groups)];
  const ours = command === "plan" ? ["plan", "--dir", groupsDir] : ["validate", "--dir", groupsDir];
  const floor = [];
  const wagroups = [];
  for (let i = 0; i < runs; i++) {
    const f = await measured(floorArgs, env);
    if (f.code !== 0) throw new Error(`the floor failed (${f.code}): ${f.err.slice(-600)}`);
    floor.push(f);
    const w = await measured(cli(ours), env);
    if (w.code !== 0) throw new Error(`wagroups ${command} failed (${w.code}): ${w.err.slice(-600)}`);
    wagroups.push(w);
  }
  await server?.stop("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
  const ms = (xs) => median(xs.map((x) => x.ms));
  // each run of wagroups against the floor run just before it: the machine's load is shared by both
  const paired = median(wagroups.map((w, i) => w.ms / floor[i].ms));
  const kb = (xs) => median(xs.map((x) => x.kb));
  const row = {
    command,
    groups,
    participants,
    memberships: groups * participants,
    runs,
    floorS: ms(floor) / 1000,
    floorMiB: kb(floor) / MiB,
    oursS: ms(wagroups) / 1000,
    oursMiB: kb(wagroups) / MiB,
    paired,
  };
  const n = (x) => x.toLocaleString("en-US");
  console.log(
    `${command.padEnd(8)} ${n(groups).padStart(6)} x ${String(participants).padEnd(4)} (${n(row.memberships).padStart(10)} memberships, ${runs} run(s), fleet built in ${(made / 1000).toFixed(1)} s)`,
  );
  console.log(
    `  floor    ${row.floorS.toFixed(2).padStart(7)} s ${row.floorMiB.toFixed(0).padStart(6)} MiB   (${command === "plan" ? "listing paged + JSON-parsed, manifests YAML-parsed" : "manifests YAML-parsed"})`,
  );
  console.log(
    `  wagroups ${row.oursS.toFixed(2).padStart(7)} s ${row.oursMiB.toFixed(0).padStart(6)} MiB   ${(row.oursS / row.floorS).toFixed(2)}x the floor's time (median of paired runs ${row.paired.toFixed(2)}x), ${(row.oursMiB / row.floorMiB).toFixed(2)}x its memory`,
  );
  return row;
}

const started = performance.now();
const rows = [];
for (const c of cases) rows.push(await bench(c));
// wall times on a shared machine mean little without its load; the ratios are of runs taken in turn
console.log(
  `\n${rows.length} case(s) in ${((performance.now() - started) / 1000).toFixed(0)} s (medians); load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} on ${availableParallelism()} cores`,
);
