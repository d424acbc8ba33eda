// The CLI against a broken or hostile server: every answer that is not a known groups listing ends
// the run with one clear line and exit 1 before any write, never a plan that re-creates the fleet.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT, run } from "../helpers/cli.js";
import { type Hostile, startHostile } from "../helpers/hostile.js";

const TOKEN = "hostile-token-5c1d";
let server: Hostile | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const dir = path.join(ROOT, "groups");

describe("apply against a hostile server", { timeout: 120_000 }, () => {
  it.each(["truncated-json", "html", "not-ready", "redirect"] as const)(
    "%s: exit 1, one line, no write, no token",
    async (behaviour) => {
      server = await startHostile({ lifetimeMs: 60_000 });
      const env = {
        WAWP_BASE_URL: `${server.url(behaviour)}/v2`,
        WAWP_INSTANCE_ID: "i",
        WAWP_ACCESS_TOKEN: TOKEN,
      };
      const r = await run(["apply", "--dir", dir, "--auto-approve"], { env });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^wagroups: Wawp API error: (list|count) groups: /);
      expect(r.stderr).not.toContain(TOKEN);
      expect(server.requests.filter((s) => s.method !== "GET")).toEqual([]);
      expect(server.requests.length).toBeGreaterThan(0);
    },
  );
});

describe("a whole-run deadline", { timeout: 60_000 }, () => {
  it("WAGROUPS_TIMEOUT ends a run against a server that drips forever, with one line naming the deadline", async () => {
    server = await startHostile({ lifetimeMs: 30_000, dripMs: 200 });
    const env = {
      WAWP_BASE_URL: `${server.url("drip")}/v2`,
      WAWP_INSTANCE_ID: "i",
      WAWP_ACCESS_TOKEN: TOKEN,
      WAGROUPS_TIMEOUT: "2",
    };
    const started = Date.now();
    const r = await run(["plan", "--dir", dir], { env });
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/deadline/);
    expect(r.stderr).not.toContain(TOKEN);
  });
});
