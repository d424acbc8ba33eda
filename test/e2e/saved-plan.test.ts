// A saved plan is executed as saved, but never trusted about its own safety: an edited plan.json that
// removes people and claims `unsafe: []` is refused without --force.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/change.js";
import { ROOT, run, tempDir } from "../helpers/cli.js";

const dir = path.join(ROOT, "groups");

describe("apply plan.json re-checks safety against the live state", { timeout: 120_000 }, () => {
  it("an edited plan that removes most of a group and says it is safe is refused without --force, and sends nothing", async () => {
    const cwd = tempDir();
    const file = path.join(cwd, "plan.json");
    expect((await run(["plan", "--dir", dir, "--out", file], { cwd })).code).toBe(0);
    const saved = JSON.parse(readFileSync(file, "utf8")) as Plan;
    const vip = saved.groups.find((g) => g.serial === "VIP-789")!;
    vip.changes.push({
      kind: "removeParticipants",
      participants: ["14155550130@c.us", "14155550131@c.us", "14155550132@c.us", "14155550102@c.us"],
    });
    saved.unsafe = [];
    delete vip.unsafe;
    writeFileSync(file, JSON.stringify(saved));
    const refused = await run(["apply", file, "--auto-approve"], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /unsafe plan refused without --force: VIP-789 would remove 4 of \d+ members/,
    );
    // nothing was sent: the plan is still the same plan
    const again = await run(["plan", "--dir", dir, "--format", "json"], { cwd });
    const now = JSON.parse(again.stdout) as Plan;
    expect(now.groups.find((g) => g.serial === "VIP-789")!.changes).toEqual(
      saved.groups.find((g) => g.serial === "VIP-789")!.changes.slice(0, -1),
    );
  });

  it("a saved plan applies as saved; a group whose live state changed since is skipped (exit 3)", async () => {
    const cwd = tempDir();
    const file = path.join(cwd, "plan.json");
    expect((await run(["plan", "--dir", dir, "--out", file], { cwd })).code).toBe(0);
    expect((await run(["sandbox", "drift", "--dir", dir, "--seed", "4"], { cwd })).code).toBe(0);
    const r = await run(["apply", file, "--auto-approve"], { cwd });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/skipped/);
    expect(r.stdout).toContain("the live group changed since the plan was made; run plan again");
  });
});
