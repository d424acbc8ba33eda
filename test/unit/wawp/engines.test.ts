// Each engine's raw listing shape -> the same normalized group. Samples are trimmed from the recorded
// fixtures (test/fixtures/engines/<engine>/groups-page-1.json), written from: WAHA
// `src/core/engines/{gows/session.gows.core.ts,noweb/session.noweb.core.ts,webjs/session.webjs.core.ts}`,
// whatsmeow `types/group.go`, Baileys `src/Socket/groups.ts`, whatsapp-web.js `src/structures/GroupChat.js`,
// and ZAPO in bergpinheiro/waha `src/core/engines/zapo/session.zapo.core.ts`.
import { describe, expect, it } from "vitest";
import type { LiveGroup } from "../../../src/live/types.js";
import { normalizeGroup, normalizeGroups, normalizeParticipants } from "../../../src/wawp/normalize.js";
import { ShapeError } from "../../../src/wawp/read.js";

const G = "120363025550000001@g.us";
const EXPECTED: LiveGroup = {
  id: G,
  subject: "PM-1 | Alpha",
  description: "Cohort 1",
  owner: "14155550100@c.us",
  creation: 1767225600,
  settings: { sendMessages: "admins", editInfo: "all", addMembers: "admins", approveJoins: true },
  participants: [
    { jid: "14155550100@c.us", role: "superadmin", lid: "173300112233001@lid" },
    { jid: "14155550101@c.us", role: "admin", lid: "173300112233002@lid" },
    { jid: "205487112233445@lid", role: "member", lid: "205487112233445@lid" },
  ],
};
const withoutSize = ({ size: _size, ...g }: LiveGroup) => g;

const gows = {
  JID: G,
  OwnerJID: "173300112233001@lid",
  OwnerPN: "14155550100@s.whatsapp.net",
  Name: "PM-1 | Alpha",
  Topic: "Cohort 1",
  IsLocked: false,
  IsAnnounce: true,
  IsJoinApprovalRequired: true,
  MemberAddMode: "admin_add",
  AddressingMode: "lid",
  GroupCreated: "2026-01-01T00:00:00Z",
  Participants: [
    {
      JID: "173300112233001@lid",
      PhoneNumber: "14155550100@s.whatsapp.net",
      LID: "173300112233001@lid",
      IsAdmin: true,
      IsSuperAdmin: true,
      Error: 0,
      AddRequest: null,
    },
    {
      JID: "173300112233002@lid",
      PhoneNumber: "14155550101@s.whatsapp.net",
      LID: "173300112233002@lid",
      IsAdmin: true,
      IsSuperAdmin: false,
      Error: 0,
      AddRequest: null,
    },
    {
      JID: "205487112233445@lid",
      PhoneNumber: "",
      LID: "205487112233445@lid",
      IsAdmin: false,
      IsSuperAdmin: false,
      Error: 0,
      AddRequest: null,
    },
  ],
};

const nowebLid = {
  [G]: {
    id: G,
    addressingMode: "lid",
    subject: "PM-1 | Alpha",
    creation: 1767225600,
    owner: "173300112233001@lid",
    ownerPn: "14155550100@s.whatsapp.net",
    desc: "Cohort 1",
    restrict: false,
    announce: true,
    joinApprovalMode: true,
    memberAddMode: false,
    participants: [
      { id: "173300112233001@lid", phoneNumber: "14155550100@s.whatsapp.net", admin: "superadmin" },
      { id: "173300112233002@lid", phoneNumber: "14155550101@s.whatsapp.net", admin: "admin" },
      { id: "205487112233445@lid", admin: null },
    ],
  },
};

const wid = (user: string, server: string) => ({ server, user, _serialized: `${user}@${server}` });
const webjs = [
  {
    id: wid("120363025550000001", "g.us"),
    name: "PM-1 | Alpha",
    isGroup: true,
    groupMetadata: {
      id: wid("120363025550000001", "g.us"),
      creation: 1767225600,
      owner: wid("14155550100", "c.us"),
      subject: "PM-1 | Alpha",
      desc: "Cohort 1",
      restrict: false,
      announce: true,
      membershipApprovalMode: 1,
      memberAddMode: "admin_add",
      isLidAddressingMode: true,
      participants: [
        { id: wid("14155550100", "c.us"), isAdmin: true, isSuperAdmin: true },
        { id: wid("14155550101", "c.us"), isAdmin: true, isSuperAdmin: false },
        { id: wid("205487112233445", "lid"), isAdmin: false, isSuperAdmin: false },
      ],
    },
  },
];

const zapo = [
  {
    id: G,
    subject: "PM-1 | Alpha",
    description: "Cohort 1",
    owner: "173300112233001@lid",
    creation: 1767225600,
    participants: [
      { id: "173300112233001@lid", role: "superadmin" },
      { id: "173300112233002@lid", role: "admin" },
      { id: "205487112233445@lid", role: "participant" },
    ],
    _data: {
      restrict: false,
      announce: true,
      membershipApprovalEnabled: true,
      memberAddMode: "admin_add",
      participants: [
        {
          jid: "173300112233001@lid",
          type: "superadmin",
          lid: "173300112233001@lid",
          phoneNumber: "14155550100@s.whatsapp.net",
        },
        {
          jid: "173300112233002@lid",
          type: "admin",
          lid: "173300112233002@lid",
          phoneNumber: "14155550101@s.whatsapp.net",
        },
        { jid: "205487112233445@lid", type: "participant", lid: "205487112233445@lid" },
      ],
    },
  },
];

const groupInfo = [
  {
    id: G,
    subject: "PM-1 | Alpha",
    description: "Cohort 1",
    owner: "14155550100@c.us",
    creation: 1767225600,
    membersCanAddNewMember: false,
    membersCanSendMessages: false,
    membersCanEditGroupInfo: true,
    newMembersApprovalRequired: true,
    participants: [
      { id: "14155550100@c.us", lid: "173300112233001@lid", role: "superadmin" },
      { id: "173300112233002@lid", pn: "14155550101@c.us", role: "admin" },
      { id: "205487112233445@lid", role: "participant" },
      { id: "14155550109@c.us", role: "left" },
    ],
  },
];

describe("every engine's listing normalizes to the same group", () => {
  it.each([
    ["GOWS PascalCase GroupInfo", [gows]],
    ["NOWEB lid addressing (keyed object)", nowebLid],
    ["ZAPO with _data", zapo],
    ["WAHA GroupInfo", groupInfo],
  ])("%s", (_name, body) => {
    const { groups, items } = normalizeGroups(body);
    expect(items).toBe(1);
    expect(groups.map(withoutSize)).toEqual([EXPECTED]);
  });

  it("WEBJS: membershipApprovalMode 1, Wid objects, a lid-addressed member without a number", () => {
    const [g] = normalizeGroups(webjs).groups;
    // WEBJS gives numbers without privacy IDs: the same people, no lid on them
    expect(withoutSize(g!)).toEqual({
      ...EXPECTED,
      participants: [
        { jid: "14155550100@c.us", role: "superadmin" },
        { jid: "14155550101@c.us", role: "admin" },
        { jid: "205487112233445@lid", role: "member", lid: "205487112233445@lid" },
      ],
    });
  });

  it("GOWS: Participants null means the listing carried none; Go's zero time is no creation time", () => {
    const g = normalizeGroup({ ...gows, Participants: null, GroupCreated: "0001-01-01T00:00:00Z" });
    expect(g.participants).toBeUndefined();
    expect(g.creation).toBeUndefined();
    expect(g.subject).toBe("PM-1 | Alpha");
  });

  it("a setting an engine leaves out is unknown (WEBJS without memberAddMode), a 0 is false", () => {
    const meta = { ...webjs[0]!.groupMetadata, memberAddMode: undefined, membershipApprovalMode: 0 };
    const g = normalizeGroup({ ...webjs[0], groupMetadata: meta });
    expect(g.settings).toEqual({ sendMessages: "admins", editInfo: "all", approveJoins: false });
  });

  it("an owner named only by privacy ID takes the number the participant list gives it", () => {
    const { ownerPn: _pn, ...noPn } = nowebLid[G];
    expect(normalizeGroup(noPn).owner).toBe("14155550100@c.us");
  });
});

describe("strict: what cannot be read is an error naming the shape, never a dropped group", () => {
  const fails = (body: unknown) => {
    try {
      normalizeGroups(body);
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      return (e as Error).message;
    }
    throw new Error("expected a ShapeError");
  };

  it.each([
    [
      '{"error":"session not ready"}',
      { error: "session not ready" },
      "not a groups listing: an object with keys error",
    ],
    [
      "truncated JSON (text)",
      '[{"id":"1203630255500',
      'not a groups listing: text, not JSON ("[{"id":"1203630255500")',
    ],
    [
      "an HTML page",
      "<html><body>Maintenance</body></html>",
      'not a groups listing: text, not JSON ("<html><body>Maintenance</body></html>")',
    ],
    ["an empty body", null, "not a groups listing: an empty answer"],
    ["a number", 42, "not a groups listing: a number (42)"],
  ])("%s", (_name, body, message) => {
    expect(fails(body)).toBe(message);
  });

  it("an item of no known shape names its position and first keys", () => {
    expect(
      fails([
        { id: G, subject: "A" },
        { chatId: "x", title: "B" },
      ]),
    ).toBe("cannot read item 2 as a group (unknown shape?): an object with keys chatId, title");
  });

  it("a group without a subject is not read as one with an empty subject (that would plan a duplicate)", () => {
    expect(fails([{ id: G, participants: [] }])).toMatch(
      /^cannot read item 1 as a group .*id, participants \(id 120363025550000001@g\.us\)$/,
    );
  });

  it("a participant with no ID, or with a role no engine has, is an error", () => {
    expect(fails([{ id: G, subject: "A", participants: [{ admin: "admin" }] }])).toBe(
      `cannot read participants of ${G}, item 1: no ID in an object with keys admin`,
    );
    expect(fails([{ id: G, subject: "A", participants: [{ id: "14155550101@c.us", role: "owner" }] }])).toBe(
      `cannot read participants of ${G}, item 1: unknown role owner`,
    );
  });

  it("an empty NOWEB object is an empty listing, not an error", () => {
    expect(normalizeGroups({})).toEqual({ groups: [], items: 0 });
  });
});

describe("garbage participant IDs are collected on the group, never returned as participants", () => {
  it("@c.us, a group ID, too few digits, letters", () => {
    const g = normalizeGroup({
      id: G,
      subject: "A",
      participants: [
        { id: "14155550101@c.us", role: "admin" },
        { id: "@c.us", role: "participant" },
        { id: "120363025550000009@g.us", role: "participant" },
        { id: "1415555@c.us", role: "participant" },
        { id: "1415abc5550102@s.whatsapp.net", role: "participant" },
        "14155550103@s.whatsapp.net",
      ],
    });
    expect(g.participants).toEqual([
      { jid: "14155550101@c.us", role: "admin" },
      { jid: "14155550103@c.us", role: "member" },
    ]);
    expect(g.invalidParticipants).toEqual([
      "@c.us",
      "120363025550000009@g.us",
      "1415555@c.us",
      "1415abc5550102@s.whatsapp.net",
    ]);
  });

  it("the same person twice (by number and by privacy ID with that number) is one participant", () => {
    const read = normalizeParticipants([
      { id: "14155550101@c.us", role: "participant" },
      { id: "173300112233002@lid", pn: "14155550101@c.us", role: "admin" },
    ]);
    expect(read).toEqual({ participants: [{ jid: "14155550101@c.us", role: "member" }], invalid: [] });
  });
});
