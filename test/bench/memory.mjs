// Peak memory (max RSS) of `wagroups plan` on 5,000 groups over HTTP, and its wall time.
// Usage: npm run build && node test/bench/memory.mjs [groups] [members]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeFleet } from "./fleet.mjs";
import { BIN, serve, timed } from "./serve.mjs";

const groups = Number(process.argv[2] ?? 5000);
const members = Number(process.argv[3] ?? 20);
const dir = mkdtempSync(path.join(tmpdir(), "wagroups-bench-"));
const { groupsDir, stateFile } = makeFleet(dir, { groups, members, drift: Math.floor(groups / 20) });
const server = await serve(["--state", stateFile]);
// the CLI itself, reporting its own peak resident set size when it exits
const peak = new URL("./peak.mjs", import.meta.url).pathname;
const r = await timed(
  process.execPath,
  [peak, BIN, "plan", "--dir", groupsDir, "--format", "json"],
  server.env,
);
await server.stop();
if (r.code !== 0 && r.code !== 2) throw new Error(`plan exited ${r.code}: ${r.err.slice(-400)}`);
const kb = Number(/maxrss (\d+)/.exec(r.err)?.[1]);
const plan = JSON.parse(r.out);
console.log(
  `memory: plan of ${groups} groups x ${members} members (${groups * members} memberships, ${plan.groups.filter((g) => g.changes.length).length} with changes)`,
);
console.log(`  peak RSS ${(kb / 1024).toFixed(0)} MiB, wall ${(r.ms / 1000).toFixed(2)} s`);
rmSync(dir, { recursive: true, force: true });
