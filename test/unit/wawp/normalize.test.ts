import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { engineId } from "../../../src/jid.js";
import type { LiveGroup } from "../../../src/live/types.js";
import { parsePhone } from "../../../src/manifest/phone.js";
import { normalizeGroups } from "../../../src/wawp/normalize.js";
import { normalizeOutcomes as normalizeAddResults, normalizeCreated } from "../../../src/wawp/replies.js";

const fixture = (name: string) =>
  JSON.parse(readFileSync(`test/fixtures/engines/${name}.json`, "utf8")) as unknown;
const comparable = (groups: LiveGroup[]) =>
  groups
    .map((g) => ({
      id: g.id,
      subject: g.subject,
      description: g.description,
      owner: g.owner,
      creation: g.creation,
      participants: g.participants?.map((p) => `${p.jid}:${p.role}`).sort(),
      settings: {
        sendMessages: g.settings.sendMessages,
        addMembers: g.settings.addMembers,
        approveJoins: g.settings.approveJoins,
      },
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));

describe("normalizeGroups reads all three Get Groups shapes identically", () => {
  const noweb = normalizeGroups(fixture("noweb")).groups;
  const webjs = normalizeGroups(fixture("webjs")).groups;
  const gows = normalizeGroups(fixture("gows")).groups;

  it("NOWEB keyed object", () => {
    expect(comparable(noweb)[0]).toEqual({
      id: "120363000000000001@g.us",
      subject: "PM-1 | Alpha",
      description: "Hello",
      owner: "14155550100@c.us",
      creation: 1767225600,
      participants: [
        "14155550100@c.us:superadmin",
        "14155550101@c.us:admin",
        "14155550102@c.us:member",
        "14155550103@c.us:member",
        "88812345@lid:member",
      ],
      settings: { sendMessages: "admins", addMembers: "admins", approveJoins: true },
    });
    expect(noweb[0]!.settings.editInfo).toBe("all");
  });

  it("WEBJS array of chats and GroupInfo array agree with NOWEB", () => {
    expect(comparable(webjs)).toEqual(comparable(noweb));
    expect(comparable(gows)).toEqual(comparable(noweb));
  });

  it("@s.whatsapp.net and @c.us are the same person; a @lid with pn resolves, one without stays unresolved", () => {
    const p = noweb[0]!.participants!;
    expect(p.find((x) => x.lid === "99912345@lid")?.jid).toBe("14155550103@c.us");
    expect(p.find((x) => x.jid === "88812345@lid")?.lid).toBe("88812345@lid");
  });

  it("a setting the engine leaves out is unknown, not false", () => {
    expect(gows[0]!.settings.editInfo).toBeUndefined();
    expect(webjs[1]!.settings.editInfo).toBe("admins");
  });

  it("left participants are not members", () => {
    expect(gows[0]!.participants!.some((p) => p.jid === "14155550109@c.us")).toBe(false);
  });
});

describe("add results", () => {
  const asked = ["14155550101@c.us", "14155550102@c.us", "14155550103@c.us"];
  it("keyed object with codes and isInviteV4Sent", () => {
    const out = normalizeAddResults(
      {
        "14155550101@c.us": { code: 200, message: "added" },
        "14155550102@c.us": { code: 403, message: "privacy", isInviteV4Sent: true },
        "14155550103@c.us": { code: 409 },
      },
      asked,
    );
    expect(out).toEqual([
      { jid: "14155550101@c.us", code: 200, message: "added" },
      { jid: "14155550102@c.us", code: 403, message: "privacy", inviteSent: true },
      { jid: "14155550103@c.us", code: 409 },
    ]);
  });
  it("array with string statuses and @s.whatsapp.net ids", () => {
    const out = normalizeAddResults(
      [
        { jid: "14155550101@s.whatsapp.net", status: "200" },
        { jid: "14155550102@s.whatsapp.net", status: "403" },
        { jid: "14155550103@s.whatsapp.net", status: "408" },
      ],
      asked,
    );
    expect(out.map((o) => o.code)).toEqual([200, 403, 408]);
  });
  it("a bare {status: 200} means everyone asked was added", () => {
    expect(normalizeAddResults({ status: 200 }, asked).map((o) => o.code)).toEqual([200, 200, 200]);
  });
  it("create answers: WEBJS gid with per-participant codes, and a plain group object", () => {
    const webjs = normalizeCreated(
      {
        title: "X",
        gid: { _serialized: "120363000000000009@g.us" },
        participants: { "14155550101@c.us": { statusCode: 200 }, "14155550102@c.us": { statusCode: 403 } },
      },
      asked.slice(0, 2),
    );
    expect(webjs).toEqual({
      id: "120363000000000009@g.us",
      outcomes: [
        { jid: "14155550101@c.us", code: 200 },
        { jid: "14155550102@c.us", code: 403 },
      ],
    });
    const plain = normalizeCreated(
      { id: "120363000000000010@g.us", participants: [{ id: "14155550101@s.whatsapp.net" }] },
      asked.slice(0, 2),
    );
    expect(plain?.outcomes.map((o) => o.code)).toEqual([200, 0]);
  });
});

describe("add results that leave someone out", () => {
  it("a detailed answer that omits a person says nothing about them (code 0)", () => {
    expect(
      normalizeAddResults({ "14155550101@c.us": { code: 200 } }, ["14155550101@c.us", "14155550102@c.us"]),
    ).toEqual([
      { jid: "14155550101@c.us", code: 200 },
      { jid: "14155550102@c.us", code: 0 },
    ]);
  });
});

/** engineId's contract spelt out with a regex: digits, an optional device, one of three servers */
function engineIdSpec(raw: string) {
  const m = /^([0-9]*)(?::([0-9]+))?@(.*)$/s.exec(raw);
  if (!m) return undefined;
  const [, digits = "", , server] = m;
  if (server === "lid") return digits ? { kind: "lid", lid: `${digits}@lid` } : undefined;
  if (server !== "c.us" && server !== "s.whatsapp.net") return undefined;
  const dialable =
    digits.length >= 7 &&
    digits.length <= 15 &&
    !digits.startsWith("0") &&
    (digits.length > 7 || parsePhone(`+${digits}`).ok);
  return dialable ? { kind: "pn", jid: `${digits}@c.us` } : undefined;
}

describe("engineId", () => {
  it("reads every ID as its contract says (the fast path for a listing's shapes included)", () => {
    const part = fc.oneof(
      fc.stringMatching(/^[0-9]{0,17}$/),
      fc.constantFrom("@", ":", "0", "@lid", "@c.us", "@s.whatsapp.net", "@g.us", "@c.u", "x", ""),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 5 }), (parts) => {
        const raw = parts.join("");
        expect(engineId(raw)).toEqual(engineIdSpec(raw));
      }),
      { numRuns: 20_000 },
    );
    for (const raw of [
      "16462000001@s.whatsapp.net",
      "16462000001@c.us",
      "110456145214829@lid",
      "4930901@c.us",
      "16462000001:12@s.whatsapp.net",
    ])
      expect(engineId(raw)).toEqual(engineIdSpec(raw));
  });
});
