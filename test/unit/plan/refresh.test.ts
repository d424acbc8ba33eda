import { describe, expect, it } from "vitest";
import type { LiveGroup, LiveParticipant, LiveReader } from "../../../src/live.js";
import { enrich } from "../../../src/plan/refresh.js";
import { desired, group, n, people, SELF } from "../../helpers/fleet.js";

const G = "120363000000000001@g.us";
const listing = (participants: LiveParticipant[]): LiveGroup => ({
  id: G,
  subject: "A-1 | Group A-1",
  owner: SELF,
  description: "",
  settings: { sendMessages: "all", editInfo: "admins", addMembers: "admins", approveJoins: false },
  participants,
});

function reader(detailed: LiveParticipant[] | undefined, calls: string[]): LiveReader {
  const no = (what: string) => async () => {
    calls.push(what);
    throw new Error(`unexpected ${what}`);
  };
  return {
    listGroups: no("listGroups") as LiveReader["listGroups"],
    getGroup: no("getGroup") as LiveReader["getGroup"],
    getParticipants: async () => {
      calls.push("getParticipants");
      return detailed ?? [];
    },
    getSetting: no("getSetting") as LiveReader["getSetting"],
    getPicture: no("getPicture") as LiveReader["getPicture"],
    download: no("download") as LiveReader["download"],
    getInviteCode: no("getInviteCode") as LiveReader["getInviteCode"],
    recentMessages: async () => {
      calls.push("recentMessages");
      return [];
    },
    listLabels: no("listLabels") as LiveReader["listLabels"],
    chatLabels: no("chatLabels") as LiveReader["chatLabels"],
  };
}

describe("enrich: reads only what the listing lacks", () => {
  const d = desired([group({ serial: "A-1", admins: people(1), members: people(2) })]);

  it("a complete listing needs no read at all", async () => {
    const calls: string[] = [];
    await enrich(
      reader(undefined, calls),
      d,
      [
        listing([
          { jid: SELF, role: "superadmin" },
          { jid: n(1), role: "admin" },
          { jid: n(2), role: "member" },
        ]),
      ],
      { now: 1 },
    );
    expect(calls).toEqual([]);
  });

  it("an absent listed person costs one chat read", async () => {
    const calls: string[] = [];
    await enrich(
      reader(undefined, calls),
      d,
      [
        listing([
          { jid: SELF, role: "superadmin" },
          { jid: n(1), role: "admin" },
        ]),
      ],
      { now: 1 },
    );
    expect(calls).toEqual(["recentMessages"]);
  });

  it("a privacy ID in the listing costs one participants read, which may name the person", async () => {
    const calls: string[] = [];
    const groups = [
      listing([
        { jid: SELF, role: "superadmin" },
        { jid: n(1), role: "admin" },
        { jid: "777@lid", role: "member", lid: "777@lid" },
      ]),
    ];
    const live = await enrich(
      reader(
        [
          { jid: SELF, role: "superadmin" },
          { jid: n(1), role: "admin" },
          { jid: n(2), role: "member", lid: "777@lid" },
        ],
        calls,
      ),
      d,
      groups,
      { now: 1 },
    );
    expect(calls).toEqual(["getParticipants"]);
    expect(live.groups[0]!.participants!.map((p) => p.jid)).toEqual([SELF, n(1), n(2)]);
  });
});
