// Two applies at once against one instance: the second waits for the first (a lock per instance on
// this machine), so nothing is created or said twice.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { lockFile } from "../../src/cli/lock.js";
import { fastExampleFleet, run, type Served, serve, tempDir } from "../helpers/cli.js";

let served: Served | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

const dir = fastExampleFleet();
const SERIAL = /^([A-Z][A-Z0-9]*-[0-9]+) \| /;

describe("one apply at a time per instance", { timeout: 180_000 }, () => {
  it("two applies started together: every group created once, every farewell and invite sent once", async () => {
    served = await serve(["--faults", "latency=40-80,scope=writes,seed=3"]);
    const env = served.env;
    const [a, b] = await Promise.all([
      run(["apply", "--dir", dir, "--auto-approve"], { env }),
      run(["apply", "--dir", dir, "--auto-approve"], { env }),
    ]);
    expect([a.code, b.code].sort()).toEqual([0, 0]);
    expect(`${a.stderr}${b.stderr}`).toContain("waiting for another apply");
    const state = await served.state();
    const serials = state.groups
      .filter((g) => g.participants.some((p) => p.jid === state.self))
      .map((g) => SERIAL.exec(g.subject)?.[1])
      .filter(Boolean);
    expect(serials.length).toBe(new Set(serials).size);
    const farewells = Object.values(state.messages)
      .flat()
      .filter((m) => m.fromMe && m.body.startsWith("The Summer Open House is over."));
    expect(farewells.length).toBe(1);
    const invites = (state.messages["14155550199@c.us"] ?? []).filter((m) =>
      m.body.includes("chat.whatsapp.com/"),
    );
    expect(invites.length).toBe(1);
  });

  it("a lock held by a running process: the second apply waits, then exits 1 with one clear line", async () => {
    served = await serve();
    const file = lockFile(`wawp ${served.baseUrl} e2e`);
    mkdirSync(path.dirname(file), { recursive: true });
    // this test's own process holds it: alive, on this machine
    const { hostname } = await import("node:os");
    writeFileSync(
      file,
      JSON.stringify({ pid: process.pid, host: hostname(), since: "2026-11-26T12:00:00Z" }),
    );
    try {
      const r = await run(["apply", "--dir", dir, "--auto-approve"], {
        env: { ...served.env, WAGROUPS_LOCK_WAIT: "0.5" },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^wagroups: another wagroups apply is running against .* \(pid \d+ since 2026-11-26T12:00:00Z\)/m,
      );
      expect((await served.log()).filter((e) => e.write)).toEqual([]);
    } finally {
      const { rmSync } = await import("node:fs");
      rmSync(file, { force: true });
    }
  });

  it("a lock left by a process that died is taken over", async () => {
    served = await serve();
    const file = lockFile(`wawp ${served.baseUrl} e2e`);
    mkdirSync(path.dirname(file), { recursive: true });
    const { hostname } = await import("node:os");
    writeFileSync(
      file,
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: "2026-11-26T12:00:00Z" }),
    );
    const r = await run(["apply", "--dir", dir, "--auto-approve"], { env: served.env, cwd: tempDir() });
    expect(r.code, r.stderr).toBe(0);
  });
});
