import { describe, expect, it } from "vitest";
import * as lib from "../../src/index.js";

describe("library entry point", () => {
  it("plans the example fleet against the seeded sandbox with nothing but its exports", async () => {
    const { desired, problems } = lib.loadFleet("groups");
    expect(problems).toEqual([]);
    const sandbox = new lib.Sandbox(lib.seedState());
    const client = new lib.WawpClient(lib.inProcessTransport(sandbox));
    const now = Math.floor(Date.now() / 1000);
    const { plan: p } = await lib.planFleet({ reader: client }, { desired, now });
    expect(lib.countPlan(p)).toEqual({ create: 2, update: 4, retire: 1, add: 17, remove: 1 });
    expect(lib.renderText(p)).toContain("Plan: 2 to create");
  });
});
