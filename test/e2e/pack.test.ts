// A package that stands alone (issue 13, item 4): `npm pack` gives a tarball that installs by itself, with
// only its runtime dependencies, and runs in a directory that holds nothing but manifests (made by
// `wagroups init`), far from this repository and its node_modules.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, ROOT, tempDir } from "../helpers/cli.js";

const exec = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let bin: string;
let installed: string;
let packed: string[];

beforeAll(async () => {
  const out = tempDir("wagroups-pack-");
  // `npm test` has just built dist/; --ignore-scripts packs that build instead of making another
  const { stdout } = await exec(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", out], {
    cwd: ROOT,
  });
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  const prefix = path.join(out, "prefix");
  // a plain install of the tarball, from the registry through the npm cache, as a user would
  await exec(
    npm,
    ["install", "--prefix", prefix, "--no-audit", "--no-fund", path.join(out, info!.filename)],
    { cwd: out, timeout: 90_000 },
  );
  installed = path.join(prefix, "node_modules");
  bin = path.join(installed, ".bin", "wagroups");
}, 120_000);

const run = async (args: string[], cwd: string) => {
  try {
    const r = await exec(bin, args, { cwd, env: cleanEnv() });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

describe("the npm package", { timeout: 120_000 }, () => {
  it("packs the CLI, the library, the precompiled validators and the schemas, and no sources or tests", () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        "package.json",
        "README.md",
        "dist/cli/main.js",
        "dist/index.js",
        "dist/index.d.ts",
        ...["group", "config", "people", "plan"].flatMap((s) => [
          `dist/validators/${s}.cjs`,
          `schemas/${s}.schema.json`,
        ]),
      ]),
    );
    expect(packed.filter((f) => /^(src|test|groups|\.github)\//.test(f))).toEqual([]);
  });

  it("installs only its runtime dependencies", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies))
      expect(existsSync(path.join(installed, dep)), dep).toBe(true);
    for (const dev of Object.keys(pkg.devDependencies))
      expect(existsSync(path.join(installed, dev)), dev).toBe(false);
  });

  it("runs init, validate, plan, apply and import in a directory that holds only manifests", async () => {
    const cwd = tempDir("wagroups-fleet-");
    expect((await run(["init", "."], cwd)).code).toBe(0);
    const validate = await run(["validate"], cwd);
    expect(validate).toMatchObject({
      code: 0,
      stdout: "1 manifest(s) valid: 1 group(s), 2 distinct people.\n",
    });
    const plan = await run(["plan", "--sandbox", "--detailed-exitcode"], cwd);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/^SANDBOX: /);
    expect(plan.stdout).toContain("Plan: 1 to create, 0 to update, 0 to retire; +2 members");
    const apply = await run(["apply", "--sandbox", "--auto-approve"], cwd);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/^Apply: 1 done, 0 deferred, 0 failed, 0 skipped; \d+ write\(s\)/m);
    expect((await run(["plan", "--sandbox", "--detailed-exitcode"], cwd)).code).toBe(0);
    const imported = await run(["import", "--sandbox"], cwd);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^Imported \d+ group\(s\)/m);
    // what import wrote validates with the installed package's own schemas
    expect(existsSync(path.join(cwd, "groups/imported"))).toBe(true);
    const again = await run(["validate"], cwd);
    expect(again.stderr).not.toMatch(/Cannot find|ERR_MODULE_NOT_FOUND|unexpected error/);
  });
});
