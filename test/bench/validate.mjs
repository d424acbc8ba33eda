// validate on 1,000 manifests (20 members each): wall time of the whole CLI process.
// Usage: npm run build && node test/bench/validate.mjs [groups] [members]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeFleet } from "./fleet.mjs";
import { BIN, median, timed } from "./serve.mjs";

const groups = Number(process.argv[2] ?? 1000);
const members = Number(process.argv[3] ?? 20);
const dir = mkdtempSync(path.join(tmpdir(), "wagroups-bench-"));
const { groupsDir } = makeFleet(dir, { groups, members });
const runs = [];
for (let i = 0; i < 5; i++) {
  const r = await timed(process.execPath, [BIN, "validate", "--dir", groupsDir], process.env);
  if (r.code !== 0) throw new Error(`validate failed: ${r.err}`);
  runs.push(r.ms);
}
console.log(
  `validate: ${groups} manifests x ${members} members: median ${(median(runs) / 1000).toFixed(2)} s over 5 runs (min ${(Math.min(...runs) / 1000).toFixed(2)} s, max ${(Math.max(...runs) / 1000).toFixed(2)} s); budget 2 s`,
);
rmSync(dir, { recursive: true, force: true });
