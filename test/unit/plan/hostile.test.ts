// Issue 12's observations of the planner, each a case that once destroyed, duplicated or took over.
import { describe, expect, it } from "vitest";
import type { Live } from "../../../src/live/types.js";
import type { Plan } from "../../../src/plan/change.js";
import { plan } from "../../../src/plan/plan.js";
import { admins, desired, group, live, members, people, SELF } from "../../helpers/fleet.js";

const NOW = 1_800_000_000;
const G1 = "120363000000000001@g.us";
const G2 = "120363000000000002@g.us";
const run = (d: ReturnType<typeof desired>, l: Live): Plan => plan(d, l, { now: NOW });
const bySerial = (p: Plan, s: string) => p.groups.find((g) => g.serial === s)!;

describe("pins cannot take over", () => {
  const victim = () =>
    live({
      id: G1,
      subject: "A-1 | Group A-1",
      participants: [{ jid: SELF, role: "superadmin" }, ...admins(1)],
    });

  it("a manifest pinning another manifest's group, retired, is blocked: no farewell, no leave, no delete", () => {
    const p = run(
      desired([
        group({ serial: "A-1", admins: people(1) }),
        group({ serial: "EVIL-1", id: G1, retired: true, farewell: "bye" }),
      ]),
      { groups: [victim()] },
    );
    const evil = bySerial(p, "EVIL-1");
    expect(evil.blocked).toMatch(/carries serial A-1 of another manifest; a pin cannot take over/);
    expect(evil.changes).toEqual([]);
    expect(bySerial(p, "A-1").action).toBe("none");
  });

  it("a pinned group whose subject carries no serial is not retired (apply the rename first)", () => {
    const p = run(desired([group({ serial: "B-1", id: G2, retired: true })]), {
      groups: [live({ id: G2, subject: "Someone's family chat" })],
    });
    expect(bySerial(p, "B-1").blocked).toMatch(/does not carry serial B-1/);
    expect(bySerial(p, "B-1").changes).toEqual([]);
  });

  it("a group the instance did not create is left, never deleted", () => {
    const p = run(desired([group({ serial: "C-1", retired: true })]), {
      groups: [live({ id: G1, subject: "C-1 | Group C-1", owner: "12125550111@c.us" })],
    });
    expect(bySerial(p, "C-1").changes).toEqual([{ kind: "leave" }]);
  });

  it("a retirement whose delete failed after the leave is finished by the next plan, not forgotten", () => {
    const left = live({ id: G1, subject: "C-1 | Group C-1", participants: [...admins(1)] });
    const p = run(desired([group({ serial: "C-1", retired: true, farewell: "bye" })]), { groups: [left] });
    expect(bySerial(p, "C-1").changes).toEqual([{ kind: "delete" }]);
  });
});

describe("identity that survives people", () => {
  it("a subject with a look-alike dash still matches its serial (renamed, warned), never a second group", () => {
    const lookAlike = live({
      id: G1,
      subject: "A\u20111 | Group A-1",
      participants: [{ jid: SELF, role: "superadmin" }, ...admins(1)],
    });
    const p = run(desired([group({ serial: "A-1", admins: people(1) })]), { groups: [lookAlike] });
    const a = bySerial(p, "A-1");
    expect(a.action).toBe("update");
    expect(a.changes).toEqual([{ kind: "setSubject", from: "A\u20111 | Group A-1", to: "A-1 | Group A-1" }]);
    expect(p.warnings.map((w) => w.code)).toContain("subject-normalized");
  });

  it("garbage participant ids are warned about and never become add or removal targets", () => {
    const g = live({
      id: G1,
      subject: "A-1 | Group A-1",
      participants: [{ jid: SELF, role: "superadmin" }, ...admins(1), ...members(2)],
      invalidParticipants: ["@c.us", "120363000000000009@g.us", "1415555@c.us"],
    });
    const p = run(desired([group({ serial: "A-1", admins: people(1), members: people(2) })]), {
      groups: [g],
    });
    expect(bySerial(p, "A-1").changes).toEqual([]);
    expect(p.warnings.find((w) => w.code === "invalid-participant")?.message).toMatch(/3 participant id/);
  });
});
