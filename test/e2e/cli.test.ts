import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, run, tempDir } from "../helpers/cli.js";

const invalid = path.join(ROOT, "test/fixtures/manifests/invalid");

describe("wagroups CLI (the built binary)", { timeout: 120_000 }, () => {
  it("--help lists the commands", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["validate", "plan", "apply", "sandbox"]) expect(r.stdout).toContain(c);
  });

  it("validate exits 0 on the example fleet with a one-line summary", async () => {
    const r = await run(["validate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("8 manifest(s) valid: 8 group(s), 33 distinct people.\n");
  });

  it.each(readdirSync(invalid))(
    "validate on the broken fleet %s exits 1, names file and line, no stack trace",
    async (name) => {
      const r = await run(["validate", "--dir", path.join("test/fixtures/manifests/invalid", name)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(`test/fixtures/manifests/invalid/${name}/\\S+\\.yaml:\\d+:\\d+  \\S`),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    },
  );

  it("an unknown option or command is a one-line usage error, exit 1", async () => {
    const r = await run(["plan", "--format", "yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--format must be text, json or markdown (got "yaml")');
    expect((await run(["frobnicate"])).code).toBe(1);
  });

  it("half the credentials is a clear error, never a silent sandbox", async () => {
    const r = await run(["plan"], { env: { WAWP_INSTANCE_ID: "x" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "wagroups: WAWP_ACCESS_TOKEN is not set; set both WAWP_INSTANCE_ID and WAWP_ACCESS_TOKEN, or neither to use the sandbox\n",
    );
  });
});

describe("the embedded sandbox: plan, apply, plan again", { timeout: 120_000 }, () => {
  let cwd: string;
  beforeAll(() => {
    cwd = tempDir();
  });
  const dir = path.join(ROOT, "groups");

  it("plan says it uses the sandbox and shows a real plan; --detailed-exitcode gives 2", async () => {
    const r = await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("using the built-in sandbox (.wagroups/sandbox.json)");
    expect(r.stdout).toContain("Plan: 2 to create, 4 to update, 1 to retire; +17 members, -1 members");
  });

  it("apply without --auto-approve on a non-terminal refuses and sends nothing", async () => {
    const r = await run(["apply", "--dir", dir], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("stdin is not a terminal; pass --auto-approve");
    expect((await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd })).code).toBe(2);
  });

  it("apply --auto-approve converges; the next plan is empty and exits 0", async () => {
    const r = await run(["apply", "--dir", dir, "--auto-approve"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Apply: 7 done, 0 deferred, 0 failed, 0 skipped; \d+ write\(s\)/);
    expect(r.stdout).toContain("Pending invites");
    const again = await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No changes.");
  });

  it("sandbox drift changes live groups behind the manifests' back; plan catches it, apply repairs it", async () => {
    const d = await run(["sandbox", "drift", "--seed", "4"], { cwd });
    expect(d.code).toBe(0);
    expect(d.stdout.split("\n").filter((l) => l.startsWith("~ ")).length).toBe(3);
    expect((await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd })).code).toBe(2);
    expect((await run(["apply", "--dir", dir, "--auto-approve"], { cwd })).code).toBe(0);
    expect((await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd })).code).toBe(0);
  });

  it("sandbox reset brings the seed back", async () => {
    expect((await run(["sandbox", "reset"], { cwd })).code).toBe(0);
    expect((await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd })).code).toBe(2);
  });

  afterAll(() => undefined);
});
