import { describe, expect, it } from "vitest";
import { readLive } from "../../../src/live/read.js";
import type { LiveGroup, LiveParticipant, LiveReader } from "../../../src/live/types.js";
import { scopeFleet } from "../../../src/plan/scope.js";
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
    getParticipants: no("getParticipants") as LiveReader["getParticipants"],
    readParticipants: async () => {
      calls.push("readParticipants");
      return { participants: detailed ?? [], invalidParticipants: [] };
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

describe("readLive: reads only what the listing lacks", () => {
  const d = desired([group({ serial: "A-1", admins: people(1), members: people(2) })]);
  const me: LiveParticipant = { jid: SELF, role: "superadmin" };
  const admin: LiveParticipant = { jid: n(1), role: "admin" };
  /** the reads readLive makes for a listing, and what it leaves in the group */
  async function reads(participants: LiveParticipant[], detailed?: LiveParticipant[]) {
    const calls: string[] = [];
    const listed = [listing(participants)];
    const before = structuredClone(listed);
    const live = await readLive(
      reader(detailed, calls),
      listed,
      scopeFleet(d.groups, listed, d.config),
      d.config,
      { now: 1 },
    );
    expect(listed).toEqual(before); // the listing is never written to

    return { calls, participants: live.groups[0]!.participants!.map((p) => p.jid) };
  }

  it("a complete listing needs no read at all", async () => {
    expect((await reads([me, admin, { jid: n(2), role: "member" }])).calls).toEqual([]);
  });

  it("an absent listed person costs one chat read", async () => {
    expect((await reads([me, admin])).calls).toEqual(["recentMessages"]);
  });

  it("a privacy ID in the listing costs one participants read, which may name the person", async () => {
    const r = await reads(
      [me, admin, { jid: "777@lid", role: "member", lid: "777@lid" }],
      [me, admin, { jid: n(2), role: "member", lid: "777@lid" }],
    );
    expect(r.calls).toEqual(["readParticipants"]);
    expect(r.participants).toEqual([SELF, n(1), n(2)]);
  });
});
