import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/change.js";
import { WawpClient } from "../../src/wawp/client.js";
import { httpTransport } from "../../src/wawp/transport.js";
import { fastExampleFleet, run, type Served, serve, tempDir } from "../helpers/cli.js";
import { adminGroup, n, SELF, sbState } from "../helpers/fleet.js";

let served: Served | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

const clientFor = (s: Served, token = "e2e-token-7781") =>
  new WawpClient(httpTransport({ baseUrl: s.baseUrl, instanceId: "e2e", accessToken: token }), {
    retry: { attempts: 1 },
  });
const writes = async (s: Served) => (await s.log()).filter((e) => e.write);

describe("wagroups sandbox serve answers the Wawp contract over HTTP", { timeout: 120_000 }, () => {
  it("prints its base URL first, refuses a wrong token, creates @g.us groups, refuses to demote the creator, caps at 1,024", async () => {
    served = await serve();
    expect(served.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    const bad = await clientFor(served, "wrong")
      .listGroups()
      .catch((e: { status: number }) => e);
    expect((bad as { status: number }).status).toBe(401);
    const c = clientFor(served);
    const { id } = await c.createGroup("T-1 | e2e", [n(1)]);
    expect(id).toMatch(/@g\.us$/);
    const demote = await c.demote(id, [SELF]).catch((e: { status: number }) => e);
    expect((demote as { status: number }).status).toBeGreaterThanOrEqual(400);
    expect((demote as { status: number }).status).toBeLessThan(500);
    const many = Array.from({ length: 1030 }, (_, i) => `4479110${String(i).padStart(5, "0")}@c.us`);
    const out = await c.addParticipants(id, many);
    expect(out.filter((o) => o.code === 419).length).toBe(1030 - (1024 - 2));
    const g = (await c.listGroups()).find((x) => x.id === id)!;
    expect(g.participants!.length).toBe(1024);
  });
});

describe("plan and apply against wagroups sandbox serve", { timeout: 120_000 }, () => {
  const fleet = fastExampleFleet();
  it("plan reads only; apply converges; a second plan is empty and a second apply sends nothing", async () => {
    served = await serve();
    const plan = await run(["plan", "--dir", fleet, "--format", "json", "--detailed-exitcode"], {
      env: served.env,
    });
    expect(plan.code).toBe(2);
    expect(plan.stderr).not.toContain("sandbox");
    const p = JSON.parse(plan.stdout) as Plan;
    expect(Object.fromEntries(p.groups.map((g) => [g.serial, g.action]))).toEqual({
      "VIP-789": "update",
      "CARE-311": "update",
      "COH-2611": "create",
      "PROJ-101": "update",
      "PROJ-102": "create",
      "PM-1042": "update",
      "PM-1043": "none",
      "EVT-2025": "retire",
    });
    expect(p.warnings.map((w) => w.code).sort()).toEqual(["orphan", "unresolved-lid"]);
    expect(await writes(served)).toEqual([]);
    const log = await served.log();
    // one 1:1 chat read per person, never per present member: the 14 people of the two new groups
    // (warm-up asks whether they wrote lately) and the 3 listed people absent from their groups
    const chatReads = log.filter((e) => /\/chats\/\d+(%40|@)c\.us\/messages/.test(e.path)).length;
    expect(chatReads).toBe(17);
    // the rest: listing and count, labels, each group's labels, pictures, one participants read, one lid
    expect(log.length - chatReads).toBeLessThanOrEqual(16);

    const apply = await run(["apply", "--dir", fleet, "--auto-approve"], { env: served.env });
    expect(apply.code).toBe(0);
    const after = await run(["plan", "--dir", fleet, "--detailed-exitcode"], { env: served.env });
    expect(after.code).toBe(0);
    const before = (await writes(served)).length;
    const again = await run(["apply", "--dir", fleet, "--auto-approve"], { env: served.env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No changes.");
    expect((await writes(served)).length).toBe(before);
    const state = await served.state();
    // one invite (the seed's own message from them is theirs, not ours)
    expect(state.messages["14155550199@c.us"]?.filter((m) => m.fromMe).length).toBe(1);
  });

  it("converges through every 4th write failing, every 5th losing its reply, and 429s with Retry-After", async () => {
    served = await serve(["--faults", "errorEvery=4,lostEvery=5,429Every=7,retryAfter=1"]);
    let runs = 0;
    let code = -1;
    while (runs < 6) {
      runs++;
      code = (await run(["apply", "--dir", fleet, "--auto-approve"], { env: served.env })).code;
      if (code === 0) break;
      expect(code).toBe(3);
    }
    expect(code).toBe(0);
    expect((await run(["plan", "--dir", fleet, "--detailed-exitcode"], { env: served.env })).code).toBe(0);
    const state = await served.state();
    const serials = state.groups.map((g) => g.subject.split(" | ")[0]);
    expect(serials.length).toBe(new Set(serials).size);
    // one invite (the seed's own message from them is theirs, not ours)
    expect(state.messages["14155550199@c.us"]?.filter((m) => m.fromMe).length).toBe(1);
    expect(state.messages["120363025550000006@g.us"]?.length ?? 0).toBeLessThanOrEqual(1);
  });
});

describe("safety and saved plans end to end", { timeout: 120_000 }, () => {
  function unsafeFleet() {
    const dir = tempDir();
    const groups = path.join(dir, "groups");
    mkdirSync(groups);
    writeFileSync(path.join(groups, "wagroups.yaml"), 'self: "+1 415 555 0100"\n');
    writeFileSync(
      path.join(groups, "U-1.yaml"),
      'serial: U-1\nsubject: Shrinking\nadmins: ["+1 415 555 0001"]\nmembers: ["+1 415 555 0002", "+1 415 555 0003"]\n',
    );
    writeFileSync(path.join(groups, "K-1.yaml"), 'serial: K-1\nsubject: Kept\nadmins: ["+1 415 555 0001"]\n');
    const state = sbState([
      adminGroup(
        "120363000000000001@g.us",
        "U-1 | Shrinking",
        ...[2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => ({ jid: n(i), role: "member" as const })),
      ),
      adminGroup("120363000000000002@g.us", "K-1 | Old"),
    ]);
    writeFileSync(path.join(dir, "state.json"), JSON.stringify(state));
    return { dir, groups, stateFile: path.join(dir, "state.json") };
  }

  it("a manifest that would remove 8 of 11 members is refused without --force (nothing sent) and applied with it", async () => {
    const f = unsafeFleet();
    served = await serve(["--state", f.stateFile]);
    const refused = await run(["apply", "--dir", f.groups, "--auto-approve"], { env: served.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("unsafe plan refused without --force: U-1 would remove 8 of 11 members");
    expect(await writes(served)).toEqual([]);
    const forced = await run(["apply", "--dir", f.groups, "--auto-approve", "--force"], { env: served.env });
    expect(forced.code).toBe(0);
    const u = (await served.state()).groups.find((g) => g.id === "120363000000000001@g.us")!;
    expect(u.participants.length).toBe(4);
  });

  it("apply plan.json applies what was reviewed and skips a group whose live state changed since", async () => {
    const f = unsafeFleet();
    served = await serve(["--state", f.stateFile]);
    const out = path.join(f.dir, "plan.json");
    const planned = await run(["plan", "--dir", f.groups, "--out", out], { env: served.env });
    expect(planned.code).toBe(0);
    const saved = JSON.parse(readFileSync(out, "utf8")) as Plan;
    expect(saved.groups.every((g) => g.fingerprint)).toBe(true);
    // someone changes U-1 after review
    await clientFor(served).setDescription("120363000000000001@g.us", "edited by hand");
    const r = await run(["apply", out, "--auto-approve", "--force"], { env: served.env });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("U-1: the live group changed since the plan was made; run plan again");
    const state = await served.state();
    expect(state.groups.find((g) => g.id === "120363000000000002@g.us")!.subject).toBe("K-1 | Kept");
    expect(state.groups.find((g) => g.id === "120363000000000001@g.us")!.participants.length).toBe(12);
  });

  it("two live groups claiming one serial block that group: plan and apply exit 1, the other groups are applied", async () => {
    const f = unsafeFleet();
    const state = JSON.parse(readFileSync(f.stateFile, "utf8"));
    state.groups.push(adminGroup("120363000000000003@g.us", "U-1 | Copy"));
    writeFileSync(f.stateFile, JSON.stringify(state));
    served = await serve(["--state", f.stateFile]);
    const plan = await run(["plan", "--dir", f.groups], { env: served.env });
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("U-1  blocked: 2 live groups claim serial U-1");
    expect(plan.stderr).toContain("wagroups: 1 group(s) blocked: U-1");
    const apply = await run(["apply", "--dir", f.groups, "--auto-approve"], { env: served.env });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("1 group(s) blocked: U-1 (2 live groups claim serial U-1");
    const g = (await served.state()).groups;
    expect(g.find((x) => x.id === "120363000000000002@g.us")!.subject).toBe("K-1 | Kept");
    expect(g.find((x) => x.id === "120363000000000001@g.us")!.participants.length).toBe(12);
  });
});
