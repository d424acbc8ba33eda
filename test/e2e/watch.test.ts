// watch as a user runs it: the built CLI as a child process, against `sandbox serve --webhook` (the
// sandbox emits signed events) and against the independent double (the test posts the events).
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { signBody } from "../../src/watch/verify.js";
import { BIN, cleanEnv, fastExampleFleet, ROOT, run, type Served, serve, tempDir } from "../helpers/cli.js";
import { type Double, startDouble } from "../helpers/double.js";
import { p, SELF, sw, writeFleet } from "../helpers/double-fleet.js";

const SECRET = "e2e-webhook-secret-5521";

interface Watching {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

function watch(args: string[], env: Record<string, string>): Promise<Watching> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "watch", "--resync", "1h", ...args], {
      cwd: ROOT,
      env: cleanEnv({ WAGROUPS_WEBHOOK_SECRET: SECRET, ...env }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let err = "";
    child.stderr!.on("data", (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    void exited.then((code) => reject(new Error(`watch exited ${code}: ${err}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (!m) return reject(new Error(`first line was ${line}`));
      resolve({ url: m[1]!, child, stderr: () => err, exited });
    });
  });
}

async function until(ok: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}
const healthy = async (w: Watching) => (await fetch(`${w.url}/healthz`)).status === 200;

/** The example fleet in a folder of its own (so a test may edit it), at a write budget tests can wait for. */
const exampleFleet = fastExampleFleet;

async function converged(sb: Served, dir: string): Promise<boolean> {
  return (await run(["plan", "--dir", dir, "--detailed-exitcode"], { env: sb.env })).code === 0;
}

describe("wagroups watch (the built CLI)", { timeout: 120_000 }, () => {
  let sb: Served | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  it("refuses to start without a webhook secret unless told to run unauthenticated", async () => {
    const r = await run(["watch", "--sandbox", "--port", "0"], { cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("WAGROUPS_WEBHOOK_SECRET is not set");
    expect(r.stdout).toBe("");
    const bad = await run(["watch", "--resync", "soon"], { env: { WAGROUPS_WEBHOOK_SECRET: "x" } });
    expect(bad.stderr).toBe(
      'wagroups: --resync must be a duration of at least 1s like 30s, 10m or 1h (got "soon")\n',
    );
  });

  it("heals `sandbox drift` from the sandbox's own signed webhooks; unsigned deliveries get 401; SIGTERM exits 0", async () => {
    const port = await freePort();
    sb = await serve(["--webhook", `http://127.0.0.1:${port}/webhooks/wawp`, "--webhook-secret", SECRET]);
    const dir = exampleFleet();
    const w = await watch(["--dir", dir, "--port", String(port)], sb.env);
    await until(() => healthy(w));
    await until(() => converged(sb!, dir));
    const unsigned = await fetch(`${w.url}/webhooks/wawp`, { method: "POST", body: "{}" });
    expect(unsigned.status).toBe(401);
    const driftFound = async () =>
      Number(
        /^wagroups_watch_drift_found_total (\d+)/m.exec(await (await fetch(`${w.url}/metrics`)).text())?.[1],
      );
    const before = await driftFound();
    const writesBefore = (await sb.log()).filter((e) => e.write).length;
    const t0 = Date.now();
    const d = await run(["sandbox", "drift", "--url", sb.baseUrl, "--seed", "5", "--changes", "3"], {
      env: sb.env,
    });
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/^~ [A-Z]+-\d+: /m); // declared groups drifted, named by serial
    // healed by watch alone (it may well finish before a plan could look)
    await until(async () => (await driftFound()) > before && (await converged(sb!, dir)));
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect((await sb.log()).filter((e) => e.write).length).toBeGreaterThan(writesBefore);
    const metrics = await (await fetch(`${w.url}/metrics`)).text();
    expect(metrics).toMatch(/wagroups_watch_events_received_total\{event="group.v2.update"\} [1-9]/);
    expect(metrics).toMatch(/wagroups_watch_events_rejected_total\{reason="signature"\} 1/);
    expect(metrics).toMatch(/wagroups_watch_drift_found_total [1-9]/);
    // logs are JSON lines naming the group
    expect(w.stderr()).toMatch(/\{"level":30,.*"serial":"[A-Z]+-\d+".*"msg":"reconciled"\}/);
    w.child.kill("SIGTERM");
    expect(await w.exited.catch(() => w.child.exitCode)).toBe(0);
  });

  it("kill -9 in the middle of converging, then a restart: converged, nothing created or sent twice", async () => {
    const port = await freePort();
    sb = await serve(["--webhook", `http://127.0.0.1:${port}/webhooks/wawp`, "--webhook-secret", SECRET]);
    const dir = exampleFleet();
    // a slow budget, so the kill lands mid-way
    const cfg = path.join(dir, "wagroups.yaml");
    writeFileSync(cfg, readFileSync(cfg, "utf8").replace(/requestsPerMinute: \d+/, "requestsPerMinute: 120"));
    const first = await watch(["--dir", dir, "--port", String(port)], sb.env);
    await until(async () => (await sb!.log()).filter((e) => e.write).length >= 5);
    first.child.kill("SIGKILL");
    await first.exited.catch(() => undefined);
    const before = (await sb.log()).filter((e) => e.write).length;
    expect(await converged(sb, dir)).toBe(false);
    const second = await watch(["--dir", dir, "--port", String(port)], sb.env);
    await until(() => healthy(second), 90_000);
    expect(await converged(sb, dir)).toBe(true);
    const state = await sb.state();
    const serials = state.groups.map((g) => g.subject.split(" | ")[0]);
    expect(new Set(serials).size).toBe(serials.length);
    for (const [chat, msgs] of Object.entries(state.messages)) {
      const ours = msgs.filter((m) => m.fromMe).map((m) => m.body);
      expect(new Set(ours).size, `a message sent twice in ${chat}`).toBe(ours.length);
    }
    expect((await sb.log()).filter((e) => e.write).length).toBeGreaterThan(before);
    second.child.kill("SIGTERM");
  });

  it("a manifest edited while running is applied", async () => {
    const port = await freePort();
    sb = await serve(["--webhook", `http://127.0.0.1:${port}/webhooks/wawp`, "--webhook-secret", SECRET]);
    const dir = exampleFleet();
    const w = await watch(["--dir", dir, "--port", String(port)], sb.env);
    await until(() => healthy(w));
    const file = path.join(dir, "projects/PROJ-101.yaml");
    const text = readFileSync(file, "utf8");
    const title = /^subject: (.*)$/m.exec(text)![1]!;
    writeFileSync(file, text.replace(/^subject: .*$/m, "subject: Renamed in git"));
    await until(async () =>
      (await sb!.state()).groups.some((g) => g.subject === "PROJ-101 | Renamed in git"),
    );
    expect(title).not.toBe("Renamed in git");
    w.child.kill("SIGTERM");
  });
});

describe("wagroups watch against the independent double", { timeout: 60_000 }, () => {
  let double: Double | undefined;
  afterEach(async () => {
    await double?.close();
    double = undefined;
  });

  it("one signed event heals the drifted group with one group read and one write", async () => {
    const G = "120363000000000031@g.us";
    double = await startDouble({
      self: SELF,
      privacy: [],
      groups: [
        {
          id: G,
          subject: "DBL-1 | Double",
          desc: "",
          owner: sw(SELF),
          creation: 1_700_000_000,
          announce: false,
          restrict: true,
          memberAddMode: false,
          joinApprovalMode: false,
          participants: [
            { id: sw(SELF), admin: "superadmin" },
            { id: sw(p(1)), admin: "admin" },
            { id: sw(p(2)), admin: null },
          ],
        },
      ],
    });
    const dir = writeFleet([{ serial: "DBL-1", title: "Double", admins: [p(1)], members: [p(2)] }]);
    const w = await watch(["--dir", dir, "--port", "0"], double.env);
    await until(() => healthy(w));
    expect(double.writes).toEqual([]);
    double.groups[0]!.subject = "DBL-1 | Renamed on a phone";
    const readsBefore = double.requests.length;
    const body = JSON.stringify({
      event: "group.v2.update",
      session: "default",
      engine: "NOWEB",
      payload: { group: { id: G, subject: "DBL-1 | Renamed on a phone" } },
    });
    const post = (hmac: string) =>
      fetch(`${w.url}/webhooks/wawp`, {
        method: "POST",
        headers: { "x-webhook-hmac": hmac, "x-webhook-request-id": "d1" },
        body,
      });
    expect((await post(signBody(body, "wrong"))).status).toBe(401);
    expect((await post(signBody(body, SECRET))).status).toBe(202);
    await until(() => double!.groups[0]!.subject === "DBL-1 | Double", 5_000);
    expect(double.writes.map((x) => `${x.method} ${decodeURIComponent(x.path)}`)).toEqual([
      `PUT /v2/groups/${G}/subject`,
    ]);
    const reads = double.requests.slice(readsBefore).filter((r) => r.method === "GET");
    expect(reads.map((r) => decodeURIComponent(r.path))[0]).toBe(`/v2/groups/${G}`);
    expect(reads.some((r) => r.path === "/v2/groups")).toBe(false);
    w.child.kill("SIGTERM");
  });
});
