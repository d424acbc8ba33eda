import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
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
      "wagroups: WAWP_ACCESS_TOKEN is not set (or empty); set WAWP_INSTANCE_ID and WAWP_ACCESS_TOKEN, or use --sandbox\n",
    );
  });

  it("in CI with no backend, a command that needs the API refuses; --sandbox asks for it on purpose", async () => {
    const cwd = tempDir();
    const refused = await run(["plan", "--dir", path.join(ROOT, "groups")], { cwd, env: { CI: "true" } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^wagroups: no backend is configured and this is CI: .*--sandbox/);
    expect(refused.stdout).toBe("");
    const asked = await run(["plan", "--dir", path.join(ROOT, "groups"), "--sandbox"], {
      cwd,
      env: { GITHUB_ACTIONS: "true" },
    });
    expect(asked.code).toBe(0);
    expect(asked.stderr).toContain("SANDBOX: using the built-in sandbox as asked");
  });

  it("a backend variable set but empty (a CI secret that is missing) is not a reason to use the sandbox", async () => {
    const r = await run(["apply", "--auto-approve"], {
      env: { WAWP_ACCESS_TOKEN: "", WAWP_INSTANCE_ID: "" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "wagroups: WAWP_INSTANCE_ID and WAWP_ACCESS_TOKEN are not set (or empty); set WAWP_INSTANCE_ID and WAWP_ACCESS_TOKEN, or use --sandbox\n",
    );
  });
});

describe("the embedded sandbox: plan, apply, plan again", { timeout: 120_000 }, () => {
  // each test starts from the seed in a folder of its own: none depends on another's order or state
  let cwd: string;
  beforeEach(() => {
    cwd = tempDir();
  });
  const dir = path.join(ROOT, "groups");

  it("plan says it uses the sandbox and shows a real plan; --detailed-exitcode gives 2", async () => {
    const r = await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "SANDBOX: no backend configured (WAWP_* or WAHA_*): using the built-in sandbox",
    );
    expect(r.stdout).toContain("Plan: 2 to create, 4 to update, 1 to retire; +17 members, -1 member");
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
    expect((await run(["apply", "--dir", dir, "--auto-approve"], { cwd })).code).toBe(0);
    const d = await run(["sandbox", "drift", "--dir", dir, "--seed", "4"], { cwd });
    expect(d.code).toBe(0);
    expect(d.stdout.split("\n").filter((l) => l.startsWith("~ ")).length).toBe(3);
    expect((await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd })).code).toBe(2);
    expect((await run(["apply", "--dir", dir, "--auto-approve"], { cwd })).code).toBe(0);
    expect((await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd })).code).toBe(0);
  });

  it("sandbox reset brings the seed back", async () => {
    expect((await run(["apply", "--dir", dir, "--auto-approve"], { cwd })).code).toBe(0);
    expect((await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd })).code).toBe(0);
    expect((await run(["sandbox", "reset"], { cwd })).code).toBe(0);
    expect((await run(["plan", "--dir", dir, "--detailed-exitcode"], { cwd })).code).toBe(2);
  });
});

describe("a user's own fleet repository", { timeout: 120_000 }, () => {
  it("init scaffolds a repository that validates and plans; a second init overwrites nothing", async () => {
    const repo = tempDir("wagroups-fleet-");
    const first = await run(["init", repo, "--self", "+1 415 555 0100"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("+ groups/wagroups.yaml");
    expect(first.stdout).toContain("+ .github/workflows/");
    const before = readFileSync(path.join(repo, "groups", "wagroups.yaml"), "utf8");
    writeFileSync(path.join(repo, "groups", "wagroups.yaml"), `${before}# mine\n`);
    const second = await run(["init", repo]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("= groups/wagroups.yaml (exists; not overwritten)");
    expect(readFileSync(path.join(repo, "groups", "wagroups.yaml"), "utf8")).toBe(`${before}# mine\n`);
    const groups = path.join(repo, "groups");
    expect((await run(["validate", "--dir", groups], { cwd: repo })).code).toBe(0);
    const planned = await run(["plan", "--dir", groups, "--sandbox"], { cwd: repo });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/^SANDBOX: /);
  });

  it("import writes a $schema line relative inside the repository, never a path of this machine", async () => {
    const repo = tempDir("wagroups-fleet-");
    expect((await run(["init", repo])).code).toBe(0);
    const groups = path.join(repo, "groups");
    const r = await run(["import", "--dir", groups, "--sandbox", "--serial-prefix", "ADOPT"], { cwd: repo });
    expect(r.code).toBe(0);
    const written = readdirSync(path.join(groups, "imported"));
    expect(written.length).toBeGreaterThan(0);
    for (const f of written) {
      const head = readFileSync(path.join(groups, "imported", f), "utf8").split("\n")[0];
      expect(head).toBe("# yaml-language-server: $schema=../../schemas/group.schema.json");
    }
  });
});

describe("a sandbox run says so wherever a reader looks", { timeout: 120_000 }, () => {
  it("stderr, the text plan's first line, the Markdown title, the JSON target and the job summary", async () => {
    const cwd = tempDir();
    const dir = path.join(ROOT, "groups");
    const summary = path.join(cwd, "summary.md");
    const text = await run(["plan", "--dir", dir, "--sandbox"], { cwd, env: { CI: "true" } });
    expect(text.stderr).toMatch(/^wagroups: SANDBOX: /);
    expect(text.stdout.split("\n")[0]).toBe(
      "SANDBOX: this plan was made against the built-in sandbox, not WhatsApp.",
    );
    const md = await run(["plan", "--dir", dir, "--format", "markdown"], {
      cwd,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(md.stdout).toContain("### wagroups plan (SANDBOX: the built-in simulator, not WhatsApp)");
    expect(readFileSync(summary, "utf8")).toContain("(SANDBOX: the built-in simulator, not WhatsApp)");
    const json = await run(["plan", "--dir", dir, "--format", "json"], { cwd });
    expect(JSON.parse(json.stdout).target).toBe("sandbox");
  });
});
