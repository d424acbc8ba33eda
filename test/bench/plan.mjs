// plan on 1,000 groups x 100 members (100,000 memberships) over HTTP, against the floor: a bare Node
// process that pages the same listing and parses it. Also counts the reads plan makes.
// Usage: npm run build && node test/bench/plan.mjs [groups] [members]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeFleet } from "./fleet.mjs";
import { BIN, median, serve, timed } from "./serve.mjs";

const groups = Number(process.argv[2] ?? 1000);
const members = Number(process.argv[3] ?? 100);
const dir = mkdtempSync(path.join(tmpdir(), "wagroups-bench-"));
const { groupsDir, stateFile } = makeFleet(dir, {
  groups,
  members,
  drift: Math.floor(groups / 100),
  driftMembers: false,
});
const server = await serve(["--state", stateFile]);

// the floor: page the listing until an empty page, parse every page, nothing else
const bare = `
const base = process.env.WAWP_BASE_URL, q = "instance_id=bench&access_token=bench";
let offset = 0, n = 0;
for (;;) {
  const page = JSON.parse(await (await fetch(base + "/groups?limit=500&offset=" + offset + "&" + q)).text());
  const items = Array.isArray(page) ? page.length : Object.keys(page).length;
  if (!items) break;
  offset += items; n += items;
}
if (n !== ${groups}) throw new Error("listed " + n);
`;
const floor = [];
const planned = [];
let reads = 0;
for (let i = 0; i < 5; i++) {
  const f = await timed(process.execPath, ["--input-type=module", "-e", bare], server.env);
  if (f.code !== 0) throw new Error(`bare listing failed: ${f.err}`);
  floor.push(f.ms);
  await server.clearLog();
  const p = await timed(process.execPath, [BIN, "plan", "--dir", groupsDir], server.env);
  if (p.code !== 0) throw new Error(`plan failed (${p.code}): ${p.err}`);
  planned.push(p.ms);
  reads = (await server.log()).length;
}
await server.stop();
const ratio = median(planned) / median(floor);
console.log(
  `plan: ${groups} groups x ${members} members (${groups * members} memberships), ${Math.floor(groups / 100)} drifted`,
);
console.log(`  bare listing floor: median ${(median(floor) / 1000).toFixed(2)} s`);
console.log(
  `  wagroups plan:      median ${(median(planned) / 1000).toFixed(2)} s  (${ratio.toFixed(2)}x the floor; budget 4x)`,
);
console.log(`  reads: ${reads} (budget 10)`);
rmSync(dir, { recursive: true, force: true });
