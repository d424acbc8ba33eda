// The acceptance scenario, against an independent NOWEB double (not the sandbox).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/change.js";
import { run } from "../helpers/cli.js";
import { type Double, type DoubleGroup, startDouble } from "../helpers/double.js";
import {
  fleetMinimum,
  type GroupSpec,
  p,
  SELF,
  sw,
  total,
  type World,
  writeFleet,
} from "../helpers/double-fleet.js";

function liveGroups(): DoubleGroup[] {
  const base = {
    desc: "",
    owner: sw(SELF),
    creation: 1_700_000_000,
    announce: false,
    restrict: true,
    memberAddMode: false,
    joinApprovalMode: false,
  };
  return [
    {
      ...base,
      id: "120363000000000011@g.us",
      subject: "UPD-1 | Old name",
      desc: "old",
      participants: [
        { id: sw(SELF), admin: "superadmin" },
        { id: sw(p(1)), admin: "admin" },
        { id: sw(p(4)), admin: null },
        { id: sw(p(50)), admin: null },
      ],
    },
    {
      ...base,
      id: "120363000000000012@g.us",
      subject: "RET-1 | Done",
      participants: [
        { id: sw(SELF), admin: "superadmin" },
        { id: sw(p(1)), admin: "admin" },
      ],
    },
    {
      ...base,
      id: "120363000000000013@g.us",
      subject: "EXT-1 | Theirs",
      owner: sw(p(70)),
      participants: [
        { id: sw(p(70)), admin: "superadmin" },
        { id: sw(SELF), admin: "admin" },
        { id: sw(p(1)), admin: "admin" },
        { id: sw(p(4)), admin: null },
      ],
    },
    {
      ...base,
      id: "120363000000000014@g.us",
      subject: "ORPH-1 | Forgotten",
      participants: [{ id: sw(SELF), admin: "superadmin" }],
    },
    {
      ...base,
      id: "120363000000000015@g.us",
      subject: "Family lunch",
      owner: sw(p(60)),
      participants: [
        { id: sw(p(60)), admin: "superadmin" },
        { id: sw(SELF), admin: null },
      ],
    },
  ];
}

const ADMINS_ONLY = {
  sendMessages: "admins",
  editInfo: "admins",
  addMembers: "admins",
  approveJoins: false,
} as const;

const SPECS: GroupSpec[] = [
  { serial: "NEW-1", title: "Brand new", admins: [p(1)], members: [p(2), p(98)] },
  {
    serial: "UPD-1",
    title: "Updated",
    description: "New rules. Leave any time.",
    settings: ADMINS_ONLY,
    admins: [p(1), p(3)],
    members: [p(4), p(99)],
  },
  {
    serial: "RET-1",
    title: "Done",
    admins: [],
    members: [],
    retired: true,
    farewell: "Thanks, this group closes now.",
  },
  { serial: "EXT-1", title: "Theirs", admins: [p(1)], members: [p(4)] },
];

function fleet(withSelf = true): string {
  const dir = writeFleet(SPECS);
  if (!withSelf) writeFileSync(path.join(dir, "wagroups.yaml"), "limits: { requestsPerMinute: 6000 }\n");
  return dir;
}

function world(privacy: string[]): World {
  const live = new Map<string, DoubleGroup>();
  for (const g of liveGroups()) live.set(g.subject.split(" | ")[0]!, g);
  return { live, privacy: new Set(privacy), labels: [], chatLabels: {}, pictureOf: {} };
}

let double: Double | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

describe("against an independent NOWEB double", { timeout: 120_000 }, () => {
  it("plan: the right action per serial, the orphan warned about, the serial-less group absent, no write, exit 2, no full number in Markdown", async () => {
    double = await startDouble({ self: SELF, groups: liveGroups(), privacy: [p(99)] });
    const dir = fleet();
    const json = await run(["plan", "--dir", dir, "--format", "json", "--detailed-exitcode"], {
      env: double.env,
    });
    expect(json.code).toBe(2);
    const plan = JSON.parse(json.stdout) as Plan;
    expect(Object.fromEntries(plan.groups.map((g) => [g.serial, g.action]))).toEqual({
      "EXT-1": "none",
      "NEW-1": "create",
      "RET-1": "retire",
      "UPD-1": "update",
    });
    expect(plan.warnings.find((w) => w.code === "orphan")?.serial).toBe("ORPH-1");
    expect(plan.warnings.some((w) => w.code === "creator-kept" && w.serial === "EXT-1")).toBe(true);
    expect(json.stdout).not.toContain("Family lunch");
    expect(plan.groups.find((g) => g.serial === "UPD-1")!.changes.map((c) => c.kind)).toEqual([
      "setSubject",
      "setDescription",
      "setSetting",
      "addParticipants",
      "promote",
      "removeParticipants",
    ]);
    const md = await run(["plan", "--dir", dir, "--format", "markdown"], { env: double.env });
    expect(md.code).toBe(0);
    expect(md.stdout).not.toMatch(/1415555\d{4}|\+1 415 555 \d{4}/);
    expect(double.writes).toEqual([]);
  });

  it("apply: exactly the minimum of writes, one invite each, a farewell, leave and the delete NOWEB refuses (422) as the end of retirement; then nothing more", async () => {
    const privacy = [p(99), p(98)];
    double = await startDouble({ self: SELF, groups: liveGroups(), privacy });
    const dir = fleet();
    const r = await run(["apply", "--dir", dir, "--auto-approve"], { env: double.env });
    // NEW-1: create, editInfo, addMembers, promote, the add asked again for the member the create answer
    // could not say was refused, the invite; UPD-1: subject, description, sendMessages, add, remove,
    // promote, the invite; RET-1: farewell, leave, delete; EXT-1 and the others: nothing
    const minimum = fleetMinimum(SPECS, world(privacy));
    expect(total(minimum)).toBe(16);
    expect(double.writes.length, JSON.stringify(double.writes, null, 1)).toBe(total(minimum));
    expect(r.code, r.stderr).toBe(0);
    expect(double.texts.filter((t) => t.chatId === `${p(99)}@c.us`).length).toBe(1);
    expect(double.texts.filter((t) => t.chatId === `${p(98)}@c.us`).length).toBe(1);
    expect(double.texts.filter((t) => t.chatId === "120363000000000012@g.us")).toEqual([
      { chatId: "120363000000000012@g.us", message: "Thanks, this group closes now." },
    ]);
    expect(double.writes.some((w) => w.path.endsWith("/leave"))).toBe(true);
    const upd = double.groups.find((g) => g.id === "120363000000000011@g.us")!;
    expect(upd.subject).toBe("UPD-1 | Updated");
    expect(upd.announce).toBe(true);
    expect(upd.participants.map((x) => `${x.id}:${x.admin}`).sort()).toEqual(
      [`${sw(SELF)}:superadmin`, `${sw(p(1))}:admin`, `${sw(p(3))}:admin`, `${sw(p(4))}:null`].sort(),
    );
    const again = await run(["plan", "--dir", dir, "--detailed-exitcode"], { env: double.env });
    expect(again.code, again.stdout).toBe(0);
    const before = double.writes.length;
    expect((await run(["apply", "--dir", dir, "--auto-approve"], { env: double.env })).code).toBe(0);
    expect(double.writes.length).toBe(before);
  });

  it("converges when every 4th write fails, every 5th loses its reply, and 429s ask to wait", async () => {
    double = await startDouble({
      self: SELF,
      groups: liveGroups(),
      privacy: [p(99)],
      faults: { errorEvery: 4, lostEvery: 5, rateEvery: 7 },
    });
    const dir = fleet();
    let code = -1;
    for (let i = 0; i < 6 && code !== 0; i++)
      code = (await run(["apply", "--dir", dir, "--auto-approve"], { env: double.env })).code;
    expect(code).toBe(0);
    const serials = double.groups
      .filter((g) => g.participants.some((x) => x.id === sw(SELF)))
      .map((g) => g.subject.split(" | ")[0]);
    expect(serials.filter((s) => s === "NEW-1").length).toBe(1);
    expect(double.texts.filter((t) => t.chatId === `${p(99)}@c.us`).length).toBe(1);
    expect(double.texts.filter((t) => t.chatId === "120363000000000012@g.us").length).toBe(1);
  });

  it("apply without --auto-approve on a non-terminal sends nothing", async () => {
    double = await startDouble({ self: SELF, groups: liveGroups(), privacy: [p(99)] });
    const r = await run(["apply", "--dir", fleet()], { env: double.env });
    expect(r.code).toBe(1);
    expect(double.writes).toEqual([]);
  });

  it("without self configured, the instance is recognised as the one number in every group", async () => {
    double = await startDouble({ self: SELF, groups: liveGroups(), privacy: [p(99)] });
    const r = await run(["plan", "--dir", fleet(false), "--format", "json"], { env: double.env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("the instance is 14155550100");
    expect((JSON.parse(r.stdout) as Plan).warnings.find((w) => w.code === "orphan")?.serial).toBe("ORPH-1");
  });
});
