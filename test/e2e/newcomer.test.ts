// Errors a newcomer understands (issue 13, item 7): each case was found by trying it as a new user would,
// and each runs the built CLI the way that user did.
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nearest } from "../../src/cli/targets.js";
import type { Plan } from "../../src/plan/change.js";
import { fastExampleFleet, ROOT, run, serve, tempDir } from "../helpers/cli.js";

const GROUPS = path.join(ROOT, "groups");
const lines = (s: string) => s.split("\n").filter((l) => l.trim());

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("the backend's address", { timeout: 60_000 }, () => {
  it("WAWP_BASE_URL without a scheme fails at once, naming the variable", async () => {
    const r = await run(["plan", "--dir", GROUPS], {
      env: { WAWP_INSTANCE_ID: "i", WAWP_ACCESS_TOKEN: "t", WAWP_BASE_URL: "api.wawp.net/v2" },
    });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(/^wagroups: WAWP_BASE_URL .*"api\.wawp\.net\/v2"/),
    ]);
  });

  it("an unreachable WAWP_BASE_URL shows its retries at the default level, then names the variable", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v2`;
    const r = await run(["plan", "--dir", GROUPS], {
      env: { WAWP_INSTANCE_ID: "i", WAWP_ACCESS_TOKEN: "t", WAWP_BASE_URL: url },
    });
    expect(r.code).toBe(1);
    const err = lines(r.stderr);
    expect(err.filter((l) => l.startsWith("wagroups: retrying ")).length).toBeGreaterThan(0);
    expect(err.at(-1)).toBe(
      `wagroups: cannot reach WAWP_BASE_URL (${url}): GET /v2/groups/count: connect ECONNREFUSED ${url.slice(7, -3)} [ECONNREFUSED]; check the address and the network`,
    );
  });
});

describe("the command line", { timeout: 60_000 }, () => {
  it("the built bin runs as a file, as npx runs it (executable, with its shebang)", async () => {
    const bin = path.join(ROOT, "dist/cli/main.js");
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
    expect([r.status, r.stdout.trim()]).toEqual([
      0,
      JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version,
    ]);
  });

  it("an unknown --group serial is an error with a did-you-mean, on plan and apply", async () => {
    const plan = await run(["plan", "--dir", GROUPS, "--group", "VIP-78"], { cwd: tempDir() });
    expect(plan.code).toBe(1);
    expect(plan.stdout).toBe("");
    expect(lines(plan.stderr).at(-1)).toBe(
      'wagroups: --group "VIP-78" (did you mean VIP-789?): no manifest declares this serial',
    );
    const apply = await run(["apply", "--dir", GROUPS, "--group", "CARE-311,XYZ-1", "--auto-approve"], {
      cwd: tempDir(),
    });
    expect(apply.code).toBe(1);
    expect(lines(apply.stderr).at(-1)).toBe('wagroups: --group "XYZ-1": no manifest declares this serial');
  });

  it("nearest: close serials only, case aside", () => {
    expect(nearest("vip-789", ["VIP-789", "VIP-790"])).toBe("VIP-789");
    expect(nearest("PROJ-13", ["PROJ-101", "PROJ-102", "PM-1042"])).toBe("PROJ-101");
    expect(nearest("ZZZZ-9", ["VIP-789", "CARE-311"])).toBeUndefined();
  });

  it("a usage error prints one line and a hint, not the whole help", async () => {
    const option = await run(["plan", "--dri", "groups"]);
    expect(option.code).toBe(1);
    expect(option.stdout).toBe("");
    expect(option.stderr).toBe(
      "wagroups: unknown option '--dri' (did you mean --dir?)\nRun \"wagroups plan --help\" for usage.\n",
    );
    const command = await run(["plna"]);
    expect(command.stderr).toBe(
      "wagroups: unknown command 'plna' (did you mean plan?)\nRun \"wagroups --help\" for usage.\n",
    );
    const sub = await run(["sandbox", "serve", "--port"]);
    expect(sub.stderr).toBe(
      "wagroups: option '--port <n>' argument missing\nRun \"wagroups sandbox serve --help\" for usage.\n",
    );
  });

  it("-v and --version print the version", async () => {
    const { version } = (await import("../../package.json", { with: { type: "json" } })).default;
    for (const flag of ["-v", "--version"]) {
      const r = await run([flag]);
      expect([r.code, r.stdout]).toEqual([0, `${version}\n`]);
    }
  });
});

describe("stderr", { timeout: 60_000 }, () => {
  it("--json-logs makes every stderr line JSON: notices, retries and the final error", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v2`;
    const failed = await run(["--json-logs", "plan", "--dir", GROUPS], {
      env: { WAWP_INSTANCE_ID: "i", WAWP_ACCESS_TOKEN: "t", WAWP_BASE_URL: url },
    });
    const sandboxed = await run(["--json-logs", "apply", "--dir", fastExampleFleet(), "--auto-approve"], {
      cwd: tempDir(),
    });
    const usage = await run(["--json-logs", "plan", "--dri", "x"]);
    for (const r of [failed, sandboxed, usage]) {
      const all = lines(r.stderr);
      expect(all.length).toBeGreaterThan(0);
      for (const l of all) expect(() => JSON.parse(l), l).not.toThrow();
    }
    const last = JSON.parse(lines(failed.stderr).at(-1)!) as { level: number; msg: string; exitCode: number };
    expect(last).toMatchObject({ level: 50, exitCode: 1 });
    expect(last.msg).toContain("cannot reach WAWP_BASE_URL");
    const notices = lines(sandboxed.stderr).map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(notices[0]).toContain("SANDBOX");
    expect(notices.some((m) => m.startsWith("✓ "))).toBe(true);
    expect(JSON.parse(lines(usage.stderr)[0]!)).toMatchObject({ level: 50 });
  });

  it("without --json-logs, logs are readable lines when stderr is not a terminal (a CI log)", async () => {
    const r = await run(["--log-level", "debug", "plan", "--dir", GROUPS], { cwd: tempDir() });
    expect(r.code).toBe(0);
    const err = lines(r.stderr);
    expect(err.length).toBeGreaterThan(1);
    for (const l of err) {
      expect(l).toMatch(/^wagroups: /);
      expect(l.startsWith("{")).toBe(false);
    }
    expect(err.some((l) => l.startsWith("wagroups: debug: wawp request"))).toBe(true);
  });

  it("apply's success and failure lines go to the same stream, stdout's summary holding both", async () => {
    const served = await serve(["--faults", "failFor=120363025550000005"]);
    try {
      const r = await run(["apply", "--dir", fastExampleFleet(), "--auto-approve"], { env: served.env });
      // PROJ-101 cannot even be read: it is blocked (exit 1) while the others are applied
      expect(r.code).toBe(1);
      // progress on stderr
      expect(r.stderr).toMatch(/^✓ \S+ done/m);
      // the summary: its counts and its failures on stdout, none of it on stderr
      expect(r.stdout).toMatch(/^Apply: \d+ done, 0 deferred, 1 failed/m);
      expect(r.stdout).toMatch(/^ {2}✗ PROJ-101: the group 120363025550000005@g.us could not be read/m);
      expect(r.stderr).not.toMatch(/^Apply: |^ {2}✗ /m);
    } finally {
      await served.stop();
    }
  });
});

describe("the text plan", { timeout: 60_000 }, () => {
  it("no +0 members, nothing after No changes but what matters, a blank line before warnings", async () => {
    const cwd = tempDir();
    const fleet = fastExampleFleet();
    const first = await run(["plan", "--dir", fleet], { cwd });
    expect(first.stdout).not.toMatch(/[+-]0 members?/);
    expect((await run(["apply", "--dir", fleet, "--auto-approve"], { cwd })).code).toBe(0);
    const r = await run(["plan", "--dir", fleet], { cwd });
    expect(r.code).toBe(0);
    const out = r.stdout.split("\n");
    expect(out.some((l) => l.startsWith("No changes."))).toBe(true);
    expect(r.stdout).not.toContain("Plan: ");
    expect(r.stdout).not.toMatch(/[+-]0 members?/);
    const warnings = out.indexOf("Warnings:");
    expect(warnings).toBeGreaterThan(0);
    expect(out[warnings - 1]).toBe("");
  });
});

describe("sandbox drift", { timeout: 120_000 }, () => {
  it("every kind it claims shows in the next plan, on the group it names by serial", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const cwd = tempDir();
      const fleet = fastExampleFleet();
      expect((await run(["apply", "--dir", fleet, "--auto-approve"], { cwd })).code).toBe(0);
      const d = await run(["sandbox", "drift", "--dir", fleet, "--seed", String(seed), "--changes", "4"], {
        cwd,
      });
      expect(d.code).toBe(0);
      const claims = lines(d.stdout)
        .filter((l) => l.startsWith("~ "))
        .map((l) => /^~ (\S+): (subject|\+\d+ left|sendMessages|description)/.exec(l)!.slice(1));
      expect(claims.map(([, kind]) => kind!.replace(/^\+\d+ /, ""))).toEqual([
        "subject",
        "left",
        "sendMessages",
        "description",
      ]);
      const plan = JSON.parse(
        (await run(["plan", "--dir", fleet, "--format", "json"], { cwd })).stdout,
      ) as Plan;
      const kindsOf = (serial: string) =>
        plan.groups.find((g) => g.serial === serial)?.changes.map((c) => c.kind) ?? [];
      const expected = {
        subject: "setSubject",
        // who left comes back by an add, or (warm-up: they have not written lately) by the invite link
        left: ["addParticipants", "sendInvites"],
        sendMessages: "setSetting",
        description: "setDescription",
      };
      for (const [serial, kind] of claims) {
        const k = kind!.replace(/^\+\d+ /, "") as keyof typeof expected;
        const want = [expected[k]].flat();
        expect(
          kindsOf(serial!).some((x) => want.includes(x)),
          `seed ${seed}: ${serial} ${k}: ${kindsOf(serial!).join(", ")}`,
        ).toBe(true);
      }
    }
  });
});
