import { describe, expect, it } from "vitest";
import type { Live } from "../../../src/live/types.js";
import type { Plan } from "../../../src/plan/change.js";
import { plan } from "../../../src/plan/plan.js";
import { admins, config, desired, group, live, members, n, people, SELF } from "../../helpers/fleet.js";

const NOW = 1_800_000_000;
const G1 = "120363000000000001@g.us";
const G2 = "120363000000000002@g.us";
const run = (d: ReturnType<typeof desired>, l: Live, targets?: string[]): Plan =>
  plan(d, l, { now: NOW, ...(targets ? { targets } : {}) });
const only = (p: Plan) => {
  expect(p.groups.length).toBe(1);
  return p.groups[0]!;
};

describe("planner: one change kind at a time, written out in full", () => {
  const base = () =>
    live({
      id: G1,
      subject: "A-1 | Group A-1",
      participants: [{ jid: SELF, role: "superadmin" }, ...admins(1), ...members(2)],
    });
  const d = (over = {}) => group({ serial: "A-1", admins: people(1), members: people(2), ...over });

  it("nothing to do when live matches", () => {
    const g = only(run(desired([d()]), { groups: [base()] }));
    expect(g.action).toBe("none");
    expect(g.changes).toEqual([]);
  });

  it("create carries the initial participants, then description, settings that differ from WhatsApp's defaults, promotions, labels", () => {
    const g = only(
      run(
        desired([
          d({
            description: "Hi. Leave any time.",
            settings: { sendMessages: "admins", editInfo: "admins", addMembers: "all", approveJoins: false },
            labels: ["vip"],
          }),
        ]),
        {
          groups: [],
          labelIds: { vip: "1" },
        },
      ),
    );
    expect(g.action).toBe("create");
    expect(g.changes).toEqual([
      {
        kind: "create",
        subject: "A-1 | Group A-1",
        participants: [n(1), n(2)],
        settings: { sendMessages: "admins", editInfo: "admins", addMembers: "all", approveJoins: false },
      },
      { kind: "setDescription", to: "Hi. Leave any time." },
      { kind: "setSetting", setting: "sendMessages", from: "all", to: "admins" },
      { kind: "setSetting", setting: "editInfo", from: "all", to: "admins" },
      { kind: "promote", participants: [n(1)] },
      { kind: "setLabels", add: ["vip"], remove: [], ids: { vip: "1" } },
    ]);
  });

  it("subject, description, icon and each setting", () => {
    const l = {
      ...base(),
      subject: "A-1 | Old name",
      description: "old",
      settings: { sendMessages: "admins", editInfo: "all", addMembers: "all", approveJoins: true } as const,
      picture: { url: null },
    };
    const icon = {
      path: "i.png",
      absPath: "/x/i.png",
      sha256: "ab".repeat(32),
      mimetype: "image/png" as const,
      size: 10,
    };
    const g = only(run(desired([d({ description: "new", icon })]), { groups: [l] }));
    expect(g.changes).toEqual([
      { kind: "setSubject", from: "A-1 | Old name", to: "A-1 | Group A-1" },
      { kind: "setDescription", from: "old", to: "new" },
      {
        kind: "setIcon",
        from: null,
        to: "ab".repeat(32),
        path: "i.png",
        file: "groups/i.png",
        mimetype: "image/png",
      },
      { kind: "setSetting", setting: "sendMessages", from: "admins", to: "all" },
      { kind: "setSetting", setting: "editInfo", from: "all", to: "admins" },
      { kind: "setSetting", setting: "addMembers", from: "all", to: "admins" },
      { kind: "setSetting", setting: "approveJoins", from: true, to: false },
    ]);
  });

  it("an icon whose live picture has the same content hash is not a change", () => {
    const icon = {
      path: "i.png",
      absPath: "/x/i.png",
      sha256: "cd".repeat(32),
      mimetype: "image/png" as const,
      size: 10,
    };
    const l = { ...base(), picture: { url: "https://pps/x.jpg", sha256: "cd".repeat(32) } };
    expect(only(run(desired([d({ icon })]), { groups: [l] })).changes).toEqual([]);
  });

  it("adds, promotes (including a newly added admin), demotes, removes", () => {
    const l = live({
      id: G1,
      subject: "A-1 | Group A-1",
      participants: [{ jid: SELF, role: "superadmin" }, ...admins(1, 3), ...members(2, 4, 5)],
    });
    const g = only(
      run(desired([group({ serial: "A-1", admins: people(1, 2, 6), members: people(3, 7) })]), {
        groups: [l],
      }),
    );
    expect(g.changes).toEqual([
      { kind: "addParticipants", participants: [n(6), n(7)] },
      { kind: "promote", participants: [n(2), n(6)] },
      { kind: "demote", participants: [n(3)] },
      { kind: "removeParticipants", participants: [n(4), n(5)] },
    ]);
  });

  it("removeUnlisted: false never removes", () => {
    const l = { ...base(), participants: [...base().participants!, ...members(8, 9)] };
    expect(only(run(desired([d({ removeUnlisted: false })]), { groups: [l] })).changes).toEqual([]);
  });

  it("the creator and the instance are never removed or demoted, whatever the manifest says (with a warning)", () => {
    const l = live({
      id: G1,
      subject: "A-1 | Group A-1",
      owner: n(9),
      participants: [
        { jid: n(9), role: "superadmin" },
        { jid: SELF, role: "admin" },
        ...admins(1),
        ...members(2),
      ],
    });
    const p = run(desired([d({ members: people(2, 9) })]), { groups: [l] });
    expect(only(p).changes).toEqual([]);
    expect(p.warnings.map((w) => w.code)).toEqual(["creator-kept"]);
    const p2 = run(desired([d()]), { groups: [l] });
    expect(only(p2).changes).toEqual([]);
    expect(p2.warnings[0]!.message).toMatch(/creator .* is not listed/);
  });

  it("a participant known only by an unresolved @lid is never removed", () => {
    const l = {
      ...base(),
      participants: [...base().participants!, { jid: "777@lid", role: "member" as const, lid: "777@lid" }],
    };
    const p = run(desired([d()]), { groups: [l] });
    expect(only(p).changes).toEqual([]);
    expect(p.warnings).toEqual([
      { code: "unresolved-lid", serial: "A-1", message: expect.stringContaining("777@lid") },
    ]);
  });

  it("a pending invite inside its cooldown is not a change; after it, an invite (not an add) is sent again", () => {
    const inside = { ...base(), invitesSent: { [n(5)]: NOW - 86_400 } };
    const g = only(run(desired([d({ members: people(2, 5) })]), { groups: [inside] }));
    expect(g.changes).toEqual([]);
    expect(g.pending).toEqual([n(5)]);
    const after = { ...base(), invitesSent: { [n(5)]: NOW - 8 * 86_400 } };
    expect(only(run(desired([d({ members: people(2, 5) })]), { groups: [after] })).changes).toEqual([
      { kind: "sendInvites", participants: [n(5)] },
    ]);
  });

  it("labels: only the missing known ones; unknown labels are warned about", () => {
    const l = { ...base(), labels: ["vip"] };
    const p = run(desired([d({ labels: ["vip", "gold", "new"] })]), {
      groups: [l],
      labelIds: { vip: "1", gold: "2" },
    });
    expect(only(p).changes).toEqual([{ kind: "setLabels", add: ["gold"], remove: [], ids: { gold: "2" } }]);
    expect(p.warnings[0]!.code).toBe("unknown-label");
  });

  it("retired: farewell once, leave, delete; a retired group that is gone is done", () => {
    const r = (over = {}) => group({ serial: "A-1", retired: true, farewell: "Bye!", ...over });
    expect(only(run(desired([r()]), { groups: [base()] })).changes).toEqual([
      { kind: "farewell", message: "Bye!" },
      { kind: "leave" },
      { kind: "delete" },
    ]);
    expect(only(run(desired([r()]), { groups: [{ ...base(), farewellSent: true }] })).changes).toEqual([
      { kind: "leave" },
      { kind: "delete" },
    ]);
    expect(only(run(desired([r()]), { groups: [] }))).toMatchObject({ action: "none", changes: [] });
  });

  it("a group where the instance is not an admin is blocked, not changed", () => {
    const l = live({
      id: G1,
      subject: "A-1 | Old",
      owner: n(9),
      participants: [
        { jid: n(9), role: "superadmin" },
        { jid: SELF, role: "member" },
      ],
    });
    expect(only(run(desired([d()]), { groups: [l] }))).toMatchObject({
      action: "none",
      changes: [],
      blocked: expect.stringMatching(/not an admin/),
    });
  });
});

describe("planner: identity", () => {
  it("a pinned id wins over the serial in the subject, even when the subject lost its serial", () => {
    const l = live({
      id: G2,
      subject: "Renamed by a user",
      participants: [{ jid: SELF, role: "superadmin" }, ...admins(1)],
    });
    const g = only(run(desired([group({ serial: "A-1", id: G2, admins: people(1) })]), { groups: [l] }));
    expect(g.groupId).toBe(G2);
    expect(g.changes).toEqual([{ kind: "setSubject", from: "Renamed by a user", to: "A-1 | Group A-1" }]);
  });

  it("two live groups claiming one serial block that group (others go on)", () => {
    const a = live({ id: G1, subject: "A-1 | one" });
    const b = live({ id: G2, subject: "A-1 | two" });
    const p = run(
      desired([group({ serial: "A-1", admins: people(1) }), group({ serial: "B-1", admins: people(1) })]),
      { groups: [a, b] },
    );
    expect(p.groups[0]).toMatchObject({
      serial: "A-1",
      action: "none",
      blocked: expect.stringMatching(/2 live groups claim serial A-1/),
    });
    expect(p.groups[1]).toMatchObject({ serial: "B-1", action: "create" });
    expect(p.warnings.map((w) => w.code)).toContain("duplicate-serial");
  });

  it("orphans are warned about and never touched; groups without a serial never appear", () => {
    const orphan = live({ id: G1, subject: "Z-9 | Forgotten" });
    const theirs = live({ id: G2, subject: "Z-8 | Someone else's", owner: n(7) });
    const noSerial = live({ id: "120363000000000003@g.us", subject: "Family lunch" });
    const p = run(desired([]), { groups: [orphan, theirs, noSerial] });
    expect(p.groups).toEqual([]);
    expect(p.warnings).toEqual([{ code: "orphan", serial: "Z-9", message: expect.stringContaining(G1) }]);
    expect(JSON.stringify(p)).not.toContain("Family lunch");
  });

  it("--group limits the plan like -target", () => {
    const p = run(
      desired([group({ serial: "A-1", admins: people(1) }), group({ serial: "B-1", admins: people(1) })]),
      { groups: [] },
      ["B-1"],
    );
    expect(p.groups.map((g) => g.serial)).toEqual(["B-1"]);
  });
});

describe("planner: safety", () => {
  const l = (count: number) =>
    live({
      id: G1,
      subject: "A-1 | Group A-1",
      participants: [
        { jid: SELF, role: "superadmin" },
        ...admins(1),
        ...members(...Array.from({ length: count }, (_, i) => 10 + i)),
      ],
    });

  it("removing more than maxRemovalRatio of a group is unsafe (8 of 11)", () => {
    const p = run(desired([group({ serial: "A-1", admins: people(1), members: people(10, 11) })]), {
      groups: [l(10)],
    });
    expect(p.groups[0]!.changes).toEqual([
      { kind: "removeParticipants", participants: [n(12), n(13), n(14), n(15), n(16), n(17), n(18), n(19)] },
    ]);
    expect(p.unsafe).toEqual([
      "A-1 would remove 8 of 11 members (73% > safety.maxRemovalRatio 25%)",
      "the fleet would lose 8 of 11 members (73% > safety.maxRemovalRatio 25%)",
    ]);
  });

  it("one removal from a small group is not unsafe", () => {
    const p = run(desired([group({ serial: "A-1", admins: people(1), members: people(10) })]), {
      groups: [l(2)],
    });
    expect(p.unsafe).toEqual([]);
  });

  it("the fleet-wide ratio catches many small removals", () => {
    const groups = [1, 2, 3].map((i) =>
      live({
        id: `12036300000000000${i}@g.us`,
        subject: `A-${i} | Group A-${i}`,
        participants: [{ jid: SELF, role: "superadmin" }, ...admins(1), ...members(10, 11, 12)],
      }),
    );
    const d = [1, 2, 3].map((i) => group({ serial: `A-${i}`, admins: people(1), members: people(10, 11) }));
    const p = run(desired(d, config({ safety: { maxRemovalRatio: 0.2, minAdmins: 1 } })), { groups });
    expect(p.unsafe).toEqual(["the fleet would lose 3 of 12 members (25% > safety.maxRemovalRatio 20%)"]);
  });

  it("falling under minAdmins is unsafe", () => {
    const l2 = live({
      id: G1,
      subject: "A-1 | Group A-1",
      participants: [{ jid: SELF, role: "superadmin" }, ...admins(1), ...members(2)],
    });
    const p = run(desired([group({ serial: "A-1", admins: people(), members: people(1, 2) })]), {
      groups: [l2],
    });
    expect(p.groups[0]!.changes).toEqual([{ kind: "demote", participants: [n(1)] }]);
    expect(p.unsafe).toEqual(["A-1 would keep 0 human admin(s); safety.minAdmins is 1"]);
  });

  it("near the 1,024 cap removals go before adds; over it the plan is unsafe", () => {
    const full = live({
      id: G1,
      subject: "A-1 | Group A-1",
      participants: [
        { jid: SELF, role: "superadmin" },
        ...admins(1),
        ...Array.from({ length: 1022 }, (_, i) => ({
          jid: `4479110${String(i).padStart(5, "0")}@c.us`,
          role: "member" as const,
        })),
      ],
    });
    const keep = full.participants!.slice(1, 1023).map((p) => Number(p.jid.split("@")[0]));
    const p = run(
      desired(
        [
          group({
            serial: "A-1",
            admins: people(1),
            members: Float64Array.of(...keep.slice(1), ...people(50)),
          }),
        ],
        config({ safety: { maxRemovalRatio: 1, minAdmins: 1 } }),
      ),
      { groups: [full] },
    );
    expect(p.groups[0]!.changes.map((c) => c.kind)).toEqual(["removeParticipants", "addParticipants"]);
    const over = run(
      desired([
        group({
          serial: "A-1",
          admins: people(1),
          members: Float64Array.of(...keep.slice(1), ...people(50, 51, 52)),
          removeUnlisted: false,
        }),
      ]),
      { groups: [full] },
    );
    expect(over.unsafe[0]).toMatch(/would reach 1027 participants/);
  });

  it("creations beyond this hour's budget are warned about", () => {
    const recent = [1, 2, 3, 4, 5].map((i) =>
      live({ id: `12036300000000009${i}@g.us`, subject: `Other ${i}`, creation: NOW - 600 }),
    );
    const p = run(
      desired([group({ serial: "A-1", admins: people(1) }), group({ serial: "A-2", admins: people(1) })]),
      { groups: recent },
    );
    expect(p.warnings).toEqual([
      {
        code: "create-budget",
        message: expect.stringContaining("2 group(s) to create, 1 creation(s) left this hour"),
      },
    ]);
  });
});
