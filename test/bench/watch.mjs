// watch's heal latency and reads per event: a synthetic fleet in `sandbox serve --webhook`, a running
// `wagroups watch`, then drifts one at a time through the running sandbox; each is timed from the
// drift until the sandbox's state is back to what it was, and the sandbox's request log is counted.
// Usage: npm run build && node test/bench/watch.mjs [groups] [drifts]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { makeFleet } from "./fleet.mjs";
import { BIN, median, serve } from "./serve.mjs";

const groups = Number(process.argv[2] ?? 200);
const drifts = Number(process.argv[3] ?? 20);
const SECRET = "bench-secret";
const dir = mkdtempSync(path.join(tmpdir(), "wagroups-bench-"));
const { groupsDir, stateFile } = makeFleet(dir, { groups, members: 20, drift: 0, rpm: 600 });
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const server = await serve([
  "--state",
  stateFile,
  "--webhook",
  `http://127.0.0.1:${port}/webhooks/wawp`,
  "--webhook-secret",
  SECRET,
]);
const origin = server.baseUrl.replace(/\/v2$/, "");
const q = "instance_id=bench&access_token=bench";
const state = async () => (await fetch(`${origin}/__sandbox/state?${q}`)).json();

const watcher = spawn(process.execPath, [BIN, "watch", "--dir", groupsDir, "--port", String(port)], {
  env: { ...server.env, WAGROUPS_WEBHOOK_SECRET: SECRET },
  stdio: ["ignore", "pipe", "ignore"],
});
const url = await new Promise((resolve) =>
  createInterface({ input: watcher.stdout }).once("line", (l) => resolve(l.replace("listening on ", ""))),
);
const t0 = performance.now();
while ((await fetch(`${url}/healthz`)).status !== 200) await new Promise((r) => setTimeout(r, 50));
const startMs = performance.now() - t0;
const eventsSoFar = async () => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^wagroups_watch_events_received_total\{[^}]*\} (\d+)/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
};

const view = (g) =>
  JSON.stringify([
    g.subject,
    g.description,
    g.announce,
    g.participants.map((p) => `${p.jid}:${p.role}`).sort(),
  ]);
const latencies = [];
let reads = 0;
let writes = 0;
let events = 0;
for (let i = 0; i < drifts; i++) {
  const before = new Map((await state()).groups.map((g) => [g.id, view(g)]));
  await server.clearLog();
  const e0 = await eventsSoFar();
  const at = performance.now();
  const res = await fetch(`${origin}/__sandbox/drift?${q}&seed=${i + 1}&changes=1`, { method: "POST" });
  const [line] = await res.json();
  const id = line?.split(":")[0];
  if (!id) continue;
  for (;;) {
    const g = (await state()).groups.find((x) => x.id === id);
    if (g && view(g) === before.get(id)) break;
    if (performance.now() - at > 30_000) throw new Error(`not healed in 30 s: ${line}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  latencies.push(performance.now() - at);
  // let the events of the heal itself arrive and be answered
  await new Promise((r) => setTimeout(r, 600));
  const log = await server.log();
  reads += log.filter((e) => !e.write).length;
  writes += log.filter((e) => e.write).length;
  events += (await eventsSoFar()) - e0;
}
let rssMiB = "n/a";
try {
  const status = readFileSync(`/proc/${watcher.pid}/status`, "utf8");
  rssMiB = (Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024).toFixed(0);
} catch {
  // not Linux: no /proc
}
watcher.kill("SIGTERM");
await server.stop();
rmSync(dir, { recursive: true, force: true });
const sorted = [...latencies].sort((a, b) => a - b);
const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
console.log(`watch: ${groups} groups x 20 members, ${latencies.length} drifts healed one at a time`);
console.log(`  watch process memory (RSS): ${rssMiB} MiB`);
console.log(`  first full resync (start to healthz 200): ${startMs.toFixed(0)} ms`);
console.log(
  `  heal latency: median ${median(latencies).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms`,
);
console.log(
  `  per drift: ${(reads / latencies.length).toFixed(1)} reads, ${(writes / latencies.length).toFixed(1)} writes, ${(events / latencies.length).toFixed(1)} events`,
);
console.log(
  `  reads per event: ${(reads / Math.max(1, events)).toFixed(2)} (the full listing would be ${Math.ceil(groups / 500) + 1}+ reads)`,
);
