// One engine truth per test, against the independent NOWEB double: labels on their real routes, pictures
// the engine re-encodes, settings read where the listing lacks them, capped listing pages, and invite
// dedupe that looks past a chatty contact's newer messages.
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../helpers/cli.js";
import { type Double, type DoubleGroup, makePng, reencode, startDouble } from "../helpers/double.js";
import { type GroupSpec, p, SELF, subjectOf, sw, writeFleet } from "../helpers/double-fleet.js";

const ID = "120363000000000201@g.us";
const SPEC: GroupSpec = {
  serial: "FEAT-1",
  title: "Features",
  description: "Rules. Leave any time.",
  admins: [p(1)],
  members: [p(2)],
};

function liveGroup(over: Partial<DoubleGroup> = {}): DoubleGroup {
  return {
    id: ID,
    subject: subjectOf(SPEC),
    desc: SPEC.description!,
    owner: sw(SELF),
    creation: 1_700_000_000,
    announce: false,
    restrict: true,
    memberAddMode: false,
    joinApprovalMode: false,
    participants: [
      { id: sw(SELF), admin: "superadmin" },
      { id: sw(p(1)), admin: "admin" },
      { id: sw(p(2)), admin: null },
    ],
    ...over,
  };
}

let double: Double | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

const apply = (dir: string) => run(["apply", "--dir", dir, "--auto-approve"], { env: double!.env });
const empty = (dir: string) => run(["plan", "--dir", dir, "--detailed-exitcode"], { env: double!.env });
const writes = () => double!.writes.map((w) => `${w.method} ${decodeURIComponent(w.path)}`);

describe("engine truths on the independent NOWEB double", { timeout: 120_000 }, () => {
  it("labels: one PUT /labels/chats/{id} carrying the union, so a label an agent set stays", async () => {
    double = await startDouble({
      self: SELF,
      groups: [liveGroup()],
      privacy: [],
      labels: [
        { id: "1", name: "vip", color: 5 },
        { id: "2", name: "agent-x", color: 1 },
      ],
      chatLabels: { [ID]: ["2"] },
    });
    const dir = writeFleet([{ ...SPEC, labels: ["vip"] }]);
    const r = await apply(dir);
    expect(writes()).toEqual([`PUT /v2/labels/chats/${ID}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(double.chatLabels.get(ID)?.sort()).toEqual(["1", "2"]);
    expect((await empty(dir)).code).toBe(0);
  });

  it("managed labels (config labels): a missing one is created with its colour, an undeclared managed one is removed, an unmanaged one stays", async () => {
    double = await startDouble({
      self: SELF,
      groups: [liveGroup()],
      privacy: [],
      labels: [
        { id: "1", name: "escalated", color: 13 },
        { id: "2", name: "agent-x", color: 1 },
      ],
      chatLabels: { [ID]: ["1", "2"] },
    });
    const dir = writeFleet(
      [{ ...SPEC, labels: ["vip"] }],
      {},
      "labels:\n  vip: { color: 5 }\n  escalated: { color: 13 }\n",
    );
    const r = await apply(dir);
    expect(writes()).toEqual(["POST /v2/labels", `PUT /v2/labels/chats/${ID}`]);
    expect(r.code, r.stderr).toBe(0);
    const vip = double.labels.find((l) => l.name === "vip");
    expect(vip?.color).toBe(5);
    expect(double.chatLabels.get(ID)?.sort()).toEqual(["2", vip!.id].sort());
    expect((await empty(dir)).code).toBe(0);
  });

  it("icons: the engine keeps other bytes than uploaded, yet the plan after apply shows no icon change", async () => {
    const icon = makePng(48, 48, (x, y) => [x * 5, y * 5, 90]);
    double = await startDouble({ self: SELF, groups: [liveGroup()], privacy: [] });
    const dir = writeFleet([{ ...SPEC, icon: "team.png" }], { "team.png": icon });
    const r = await apply(dir);
    expect(writes()).toEqual([`PUT /v2/groups/${ID}/picture`]);
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.from(double.uploads.get(ID)!).equals(icon)).toBe(true);
    expect(Buffer.from(double.pictures.get(ID)!).equals(icon)).toBe(false);
    const again = await empty(dir);
    expect(again.code, again.stdout).toBe(0);
    // the URL WAHA handed out before the upload is cached for 24 h: only a refreshed read sees the new one
    expect(double.requests.some((q) => q.path.endsWith("/picture") && q.query.refresh === "true")).toBe(true);
  });

  it("icons: a live picture that is the same image re-encoded is no change", async () => {
    const icon = makePng(48, 48, (x) => [200, x * 4, 10]);
    double = await startDouble({
      self: SELF,
      groups: [liveGroup()],
      privacy: [],
      pictures: { [ID]: reencode(icon) },
    });
    const r = await empty(writeFleet([{ ...SPEC, icon: "team.png" }], { "team.png": icon }));
    expect(r.code, r.stdout).toBe(0);
    expect(double.writes).toEqual([]);
  });

  it("settings the listing lacks (an older Baileys) are read from their GET routes and corrected", async () => {
    double = await startDouble({
      self: SELF,
      groups: [liveGroup({ memberAddMode: true, joinApprovalMode: true })],
      privacy: [],
      legacyListing: true,
    });
    const dir = writeFleet([SPEC]);
    const r = await apply(dir);
    expect(writes().sort()).toEqual([
      `PUT /v2/groups/${ID}/settings/security/member-add-mode`,
      `PUT /v2/groups/${ID}/settings/security/membership-approval`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((await empty(dir)).code).toBe(0);
  });

  it("an older server without the newer settings routes (404) is planned without them, with a warning", async () => {
    double = await startDouble({
      self: SELF,
      groups: [liveGroup({ subject: "FEAT-1 | Old" })],
      privacy: [],
      legacyListing: true,
      oldSettingsRoutes: true,
    });
    const r = await run(["plan", "--dir", writeFleet([SPEC]), "--format", "json", "--detailed-exitcode"], {
      env: double.env,
    });
    expect(r.code, r.stderr).toBe(2);
    const plan = JSON.parse(r.stdout) as { groups: { changes: { kind: string }[] }[]; warnings: unknown[] };
    expect(plan.groups[0]!.changes.map((c) => c.kind)).toEqual(["setSubject"]);
    expect(plan.warnings.length).toBeGreaterThan(0);
  });

  it("a listing whose pages the server caps below the limit is read to the end: nothing created twice", async () => {
    const groups = [1, 2, 3].map((i) =>
      liveGroup({ id: `12036300000000030${i}@g.us`, subject: subjectOf({ ...SPEC, serial: `PAGE-${i}` }) }),
    );
    double = await startDouble({ self: SELF, groups, privacy: [], pageCap: 1 });
    const dir = writeFleet([1, 2, 3].map((i) => ({ ...SPEC, serial: `PAGE-${i}` })));
    const r = await empty(dir);
    expect(r.code, r.stdout).toBe(0);
    expect(double.writes).toEqual([]);
  });

  it("an invite sent two days ago is found behind 60 newer messages from a chatty contact: no second invite", async () => {
    const now = Math.floor(Date.now() / 1000);
    const chat = `${p(91)}@c.us`;
    const mine = {
      id: "m0",
      timestamp: now - 2 * 86_400,
      fromMe: true,
      body: `You are invited to join ${subjectOf(SPEC)}: https://chat.whatsapp.com/INV000201`,
    };
    const theirs = Array.from({ length: 60 }, (_, i) => ({
      id: `t${i}`,
      timestamp: now - 86_400 + i * 60,
      fromMe: false,
      body: `question ${i}`,
    }));
    double = await startDouble({
      self: SELF,
      groups: [liveGroup()],
      privacy: [p(91)],
      messages: { [chat]: [mine, ...theirs] },
    });
    const dir = writeFleet([{ ...SPEC, members: [p(2), p(91)] }]);
    const r = await empty(dir);
    expect(r.code, r.stdout).toBe(0);
    expect((await apply(dir)).code).toBe(0);
    expect(double.texts).toEqual([]);
  });
});
