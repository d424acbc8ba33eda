import { describe, expect, it } from "vitest";
import { groupEvents, sign, snapshot } from "../../../src/sandbox/webhooks.js";
import { hear } from "../../../src/watch/events.js";
import { SeenIds, signBody, verifySignature } from "../../../src/watch/verify.js";
import { adminGroup, n, sbState } from "../../helpers/fleet.js";

describe("webhook signatures (HMAC-SHA512, hex, X-Webhook-Hmac)", () => {
  const body = Buffer.from('{"event":"group.v2.update"}');
  it("accepts the body's own signature and refuses anything else", () => {
    const good = signBody(body, "k");
    expect(good).toMatch(/^[0-9a-f]{128}$/);
    expect(verifySignature(body, good, "k")).toBe(true);
    expect(verifySignature(body, good.toUpperCase(), "k")).toBe(true);
    expect(verifySignature(body, signBody(body, "other"), "k")).toBe(false);
    expect(verifySignature(Buffer.from(`${body} `), good, "k")).toBe(false);
    expect(verifySignature(body, undefined, "k")).toBe(false);
    expect(verifySignature(body, good.slice(2), "k")).toBe(false);
    expect(verifySignature(body, "zz".repeat(64), "k")).toBe(false);
  });

  it("signs the way the sandbox's emitter does (one algorithm on both sides)", () => {
    expect(sign(body.toString(), "k")).toBe(signBody(body, "k"));
  });

  it("remembers request ids up to a bound, forgetting the oldest", () => {
    const seen = new SeenIds(3);
    expect(["a", "b", "c"].map((id) => seen.first(id))).toEqual([true, true, true]);
    expect(seen.first("a")).toBe(false);
    expect(seen.first("d")).toBe(true);
    expect(seen.size).toBe(3);
    expect(seen.first("a")).toBe(true); // forgotten: the oldest went when d came
  });
});

describe("what an event says", () => {
  const G = "120363000000000001@g.us";
  it("names the group of each v2 event and of the older ones", () => {
    for (const event of ["group.v2.join", "group.v2.update"])
      expect(hear({ event, payload: { group: { id: G, subject: "G-1 | x" } } })).toEqual({
        kind: "group",
        event,
        groupId: G,
        subject: "G-1 | x",
        left: [],
      });
    expect(hear({ event: "group.v2.leave", payload: { group: { id: G } } })).toMatchObject({ groupId: G });
    expect(hear({ event: "group.join", payload: { id: { remote: G }, chatId: G } })).toMatchObject({
      kind: "group",
      groupId: G,
    });
    expect(hear({ event: "group.leave", payload: { chatId: { _serialized: G } } })).toMatchObject({
      groupId: G,
    });
  });

  it("reads who left from a participants event: the phone number when given, never a bare privacy ID", () => {
    const h = hear({
      event: "group.v2.participants",
      payload: {
        group: { id: G },
        type: "leave",
        participants: [
          { id: n(3).replace("@c.us", "@s.whatsapp.net"), role: "participant" },
          { id: "99887766@lid", pn: n(4).replace("@c.us", "@s.whatsapp.net") },
          { id: "55443322@lid" },
        ],
      },
    });
    expect(h).toMatchObject({ kind: "group", left: [n(3), n(4)] });
    const joined = hear({
      event: "group.v2.participants",
      payload: { group: { id: G }, type: "join", participants: [{ id: n(5) }] },
    });
    expect(joined).toMatchObject({ kind: "group", left: [] });
  });

  it("ignores other events, events naming no group, and bodies that are no envelope", () => {
    expect(hear({ event: "message", payload: { from: G } })).toEqual({
      kind: "ignored",
      event: "message",
      why: "not a group event",
    });
    expect(hear({ event: "group.v2.update", payload: { group: { id: n(3) } } })).toMatchObject({
      kind: "ignored",
      why: "names no group",
    });
    expect(hear([1, 2])).toMatchObject({ kind: "ignored", why: "no event name" });
  });
});

describe("the sandbox's events (what changed between two states)", () => {
  const G1 = "120363000000000001@g.us";
  const G2 = "120363000000000002@g.us";
  it("reports joins, leaves, role changes, updates and the instance leaving, in WAHA's shapes", () => {
    const state = sbState([
      adminGroup(G1, "G-1 | One", { jid: n(2), role: "member" }, { jid: n(3), role: "member" }),
      adminGroup(G2, "G-2 | Two"),
    ]);
    expect(groupEvents(new Map(), state, 0).map((e) => e.event)).toEqual(["group.v2.join", "group.v2.join"]);
    const before = snapshot(state);
    const g1 = state.groups[0]!;
    g1.subject = "G-1 | Renamed";
    g1.participants = g1.participants.filter((p) => p.jid !== n(3));
    g1.participants.push({ jid: n(4), role: "member" });
    g1.participants.find((p) => p.jid === n(2))!.role = "admin";
    state.groups[1]!.participants = state.groups[1]!.participants.filter((p) => p.jid !== state.self);
    const events = groupEvents(before, state, 5_000);
    expect(events.map((e) => [e.event, e.payload.type])).toEqual([
      ["group.v2.update", undefined],
      ["group.v2.participants", "join"],
      ["group.v2.participants", "leave"],
      ["group.v2.participants", "promote"],
      ["group.v2.leave", undefined],
    ]);
    expect(events[2]!.payload).toEqual({
      group: { id: G1 },
      type: "leave",
      timestamp: 5,
      participants: [{ id: n(3), role: "member" }],
    });
    // what watch makes of them: the same group, and who left
    expect(hear({ event: events[2]!.event, payload: events[2]!.payload })).toMatchObject({ left: [n(3)] });
    expect(groupEvents(snapshot(state), state, 0)).toEqual([]);
  });
});
