// Where a plan's memory goes: the pipeline run in one process, stage by stage, with the heap (and
// array buffers) measured after a full GC while each stage's result is still held (what the next
// stage keeps alive), and the peak RSS. Bytes per membership make sizes comparable.
// Usage: npm run build && node --expose-gc test/bench/where.mjs [groups] [participants]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, loadFleet, plan, readLive, renderText, scopeFleet } from "../../dist/index.js";
import { makeFleet } from "./fleet.mjs";
import { serve } from "./serve.mjs";

if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
const groups = Number(process.argv[2] ?? 1000);
const participants = Number(process.argv[3] ?? 1024);
const memberships = groups * participants;
const dir = mkdtempSync(path.join(tmpdir(), "wagroups-bench-"));
const { groupsDir, stateFile } = makeFleet(dir, {
  groups,
  members: participants - 1,
  drift: Math.floor(groups / 100),
  driftMembers: false,
});
const server = await serve(["--state", stateFile]);

// typed arrays' contents (a manifest's people) live outside the JS heap: counted too
const heap = () => {
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
let last = heap();
const rows = [];
const stage = (name, detail = "") => {
  const now = heap();
  rows.push([name, now - last, detail]);
  last = now;
};

const loaded = loadFleet(groupsDir);
if (loaded.problems.length) throw new Error(`the fleet is invalid: ${loaded.problems[0].message}`);
stage("manifests (Desired)", `${loaded.desired.groups.length} groups`);
const conn = await connect({ env: server.env });
const listing = await conn.client.listGroups();
stage("live listing (LiveGroup[])", `${listing.length} groups`);
const { desired } = loaded;
const scope = scopeFleet(desired.groups, listing, desired.config, {});
stage("scope (identity)", `${scope.groups.length} groups in scope`);
const now = Math.floor(Date.now() / 1000);
const live = await readLive(conn.client, listing, scope, desired.config, { now });
stage("live (per-group reads)", `${live.groups.length} groups`);
const planned = plan(desired, live, { now, scope });
stage("plan (Plan)", `${planned.groups.filter((g) => g.changes.length).length} with changes`);
const text = renderText(planned);
stage("rendered text", `${text.length} characters`);
const peak = process.resourceUsage().maxRSS * 1024;
await conn.finish();
await server.stop("SIGKILL");
rmSync(dir, { recursive: true, force: true });

const MiB = (b) => `${(b / 2 ** 20).toFixed(1).padStart(7)} MiB`;
console.log(
  `where memory goes: ${groups} groups x ${participants} participants (${memberships} memberships)`,
);
for (const [name, bytes, detail] of rows)
  console.log(
    `  ${name.padEnd(32)} ${MiB(bytes)}  ${(bytes / memberships).toFixed(0).padStart(4)} B/membership  ${detail}`,
  );
console.log(`  ${"heap held at the end".padEnd(32)} ${MiB(last)}`);
console.log(`  ${"peak RSS".padEnd(32)} ${MiB(peak)}`);
// keep every stage alive until measured
if (!loaded || !listing || !scope || !live || !planned || !text) throw new Error("unreachable");
