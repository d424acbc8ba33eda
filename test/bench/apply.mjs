// A throttled apply: writes sent versus the minimum the plan needs, and wall time versus the time the
// configured budget itself imposes (every write, the first included, one 60/requestsPerMinute interval).
// Usage: npm run build && node test/bench/apply.mjs [groups] [requestsPerMinute]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeFleet } from "./fleet.mjs";
import { BIN, serve, timed } from "./serve.mjs";

const groups = Number(process.argv[2] ?? 200);
const rpm = Number(process.argv[3] ?? 240);
const dir = mkdtempSync(path.join(tmpdir(), "wagroups-bench-"));
// every group drifted: a subject rename and a member to add, so two writes each
const { groupsDir, stateFile } = makeFleet(dir, { groups, members: 20, drift: groups, rpm });
const server = await serve(["--state", stateFile]);

const planned = await timed(
  process.execPath,
  [BIN, "plan", "--dir", groupsDir, "--format", "json"],
  server.env,
);
const plan = JSON.parse(planned.out);
const minimumWrites = plan.groups.reduce((n, g) => n + g.changes.length, 0);
await server.clearLog();
const run = await timed(process.execPath, [BIN, "apply", "--dir", groupsDir, "--auto-approve"], server.env);
if (run.code !== 0) throw new Error(`apply exited ${run.code}: ${run.err.slice(-500)}`);
const log = await server.log();
const writes = log.filter((e) => e.write).length;
const budgetMs = (writes * 60_000) / rpm;
const again = await timed(
  process.execPath,
  [BIN, "plan", "--dir", groupsDir, "--detailed-exitcode"],
  server.env,
);
await server.stop();
console.log(`apply: ${groups} drifted groups, limits.requestsPerMinute ${rpm}`);
console.log(`  writes: ${writes} sent, ${minimumWrites} in the plan (one call per group and kind of change)`);
console.log(
  `  wall time: ${(run.ms / 1000).toFixed(1)} s; the budget alone imposes ${(budgetMs / 1000).toFixed(1)} s (${(run.ms / budgetMs).toFixed(3)}x; target 1.1x)`,
);
console.log(`  plan afterwards: exit ${again.code} (0 = converged)`);
rmSync(dir, { recursive: true, force: true });
