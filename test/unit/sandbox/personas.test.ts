// Engine personas answer with the quirks real engines have; the WAHA backend speaks WAHA's paths.
import { describe, expect, it } from "vitest";
import { Sandbox } from "../../../src/sandbox/sandbox.js";
import { seedState } from "../../../src/sandbox/seed.js";
import { serveSandbox } from "../../../src/sandbox/server.js";
import { type Engine, parseQuirks, sandboxEngine } from "../../../src/sandbox/state.js";
import type { WawpRequest } from "../../../src/wawp/transport.js";

const G = encodeURIComponent("120363025550000001@g.us");
const CREDS = { instance_id: "sandbox", access_token: "sandbox" };

function on(engine: Engine, opts: ConstructorParameters<typeof Sandbox>[1] = {}) {
  const sandbox = new Sandbox(seedState(), { engine, ...opts });
  const call = (
    method: WawpRequest["method"],
    path: string,
    body?: unknown,
    query: Record<string, string> = {},
  ) => {
    const out = sandbox.handle({
      method,
      path,
      query: { ...CREDS, ...query },
      ...(body !== undefined ? { body } : {}),
    });
    if (out.kind !== "response") throw new Error("dropped");
    return { status: out.res.status, body: out.res.body as any };
  };
  return { sandbox, call };
}

describe("engine personas", () => {
  it("GOWS: PascalCase GroupInfo, Participants null when unfetched, Error/AddRequest per person, 400 on empty text, 422 delete", () => {
    const { call, sandbox } = on("gows");
    expect(call("GET", "/groups").body[0].Participants).toHaveLength(8);
    sandbox.state.quirks = { participantsNull: true };
    const list = call("GET", "/groups").body;
    expect(list[0]).toMatchObject({
      JID: "120363025550000001@g.us",
      Name: "PM-1042 | Maple Ct Maintenance",
      Participants: null,
      ParticipantCount: 8,
    });
    expect(call("GET", `/groups/${G}`).body.Participants[0]).toMatchObject({
      JID: "14155550100@s.whatsapp.net",
      IsSuperAdmin: true,
    });
    const added = call("POST", `/groups/${G}/participants/add`, {
      participants: [{ id: "14155550199@c.us" }, { id: "14155550177@c.us" }],
    }).body;
    expect(added.map((p: any) => [p.Error, p.AddRequest === null])).toEqual([
      [403, false],
      [0, true],
    ]);
    expect(call("PUT", `/groups/${G}/subject`, { subject: " " })).toMatchObject({
      status: 400,
      body: { message: "GOWS does not support empty group subject." },
    });
    expect(call("PUT", `/groups/${G}/description`, { description: "" }).status).toBe(400);
    expect(call("DELETE", `/groups/${G}`)).toMatchObject({
      status: 422,
      body: { message: "The method is not implemented by the engine." },
    });
    const missing = call("GET", `/groups/${encodeURIComponent("120363099999999999@g.us")}`);
    expect(missing.status).toBe(500);
    expect(missing.body.exception.message).toMatch(/^2 UNKNOWN: .*item-not-found/);
    expect(missing.body.version).toMatchObject({ version: expect.any(String), tier: "CORE" });
  });

  it("NOWEB lid: everyone by @lid with phoneNumber, the owner with ownerPn, per-person remove results, /lids maps back", () => {
    const { call, sandbox } = on("noweb-lid");
    const g = call("GET", `/groups/${G}`).body;
    expect(g).toMatchObject({ addressingMode: "lid", ownerPn: "14155550100@s.whatsapp.net" });
    expect(g.owner).toMatch(/@lid$/);
    const dana = g.participants.find((p: any) => p.phoneNumber === "14155550103@s.whatsapp.net");
    expect(dana.id).toMatch(/@lid$/);
    expect(call("GET", `/lids/${encodeURIComponent(dana.id)}`).body).toEqual({
      lid: dana.id,
      pn: "14155550103@c.us",
    });
    expect(call("GET", "/lids/999999999999999%40lid").body).toEqual({ lid: "999999999999999@lid", pn: null });
    // removing the creator is refused for that person only; the other removal goes through
    const out = call("POST", `/groups/${G}/participants/remove`, {
      participants: [{ id: "14155550100@c.us" }, { id: "14155550104@c.us" }],
    });
    expect(out.status).toBe(200);
    expect(out.body.map((r: any) => r.status)).toEqual(["403", "200"]);
    expect(sandbox.state.groups[0]!.participants.map((p) => p.jid)).not.toContain("14155550104@c.us");
    expect(call("DELETE", `/groups/${G}`).status).toBe(422);
    expect(call("PUT", `/groups/${G}/subject`, { subject: "PM-1042 | New" })).toEqual({
      status: 200,
      body: undefined,
    });
  });

  it("WEBJS: 1/0 approval, new groups start open, a refused setter is 200 false, pages follow activity", () => {
    const { call, sandbox } = on("webjs");
    const created = call("POST", "/groups", {
      name: "T-1 | New",
      participants: [{ id: "14155550177@c.us" }],
    });
    expect(created.body.gid._serialized).toMatch(/@g\.us$/);
    const g = call("GET", `/groups/${encodeURIComponent(created.body.gid._serialized)}`).body.groupMetadata;
    // whatsapp-web.js createGroup passes announce and restrict false when given no options
    expect(g).toMatchObject({ announce: false, restrict: false, membershipApprovalMode: 0 });
    expect(created.body.participants["14155550100@c.us"]).toMatchObject({ isGroupCreator: true });
    // in a restricted group where the instance is a plain member
    sandbox.state.groups[0]!.participants[0]!.role = "member";
    expect(call("PUT", `/groups/${G}/subject`, { subject: "PM-1042 | x" })).toEqual({
      status: 200,
      body: false,
    });
    // sortBy=id is ignored, and a chat that moves between two page reads shifts the pages
    const ids = (q: Record<string, string>) =>
      call("GET", "/groups", undefined, q).body.map((c: any) => c.id._serialized);
    const all = ids({ sortBy: "id", limit: "100" });
    expect(all).not.toEqual([...all].sort());
    const paged = [...ids({ sortBy: "id", limit: "5" }), ...ids({ sortBy: "id", limit: "5", offset: "5" })];
    expect(new Set(paged).size).toBeLessThan(all.length);
  });

  it("every engine: count, participants/v2, the real label routes, filtered messages newest first", () => {
    for (const engine of ["webjs", "noweb", "noweb-lid", "gows", "zapo", "wawp"] as const) {
      const { call } = on(engine, { now: () => 1_800_000_000_000 });
      expect(call("GET", "/groups/count").body).toEqual({ count: 9 });
      const v2 = call("GET", `/groups/${G}/participants/v2`).body;
      // pn as each engine fills it: absent where the id is already the number (NOWEB pn), never on ZAPO
      const creator = { noweb: {}, zapo: {} }[engine as string] ?? { pn: "14155550100@c.us" };
      expect(v2[0]).toEqual({ id: expect.any(String), ...creator, role: "superadmin" });
      const hidden = v2.find((p: any) => p.id === "218349920563321@lid");
      const unknownPn = { webjs: { pn: null }, wawp: { pn: null }, gows: { pn: "" } }[engine as string] ?? {};
      expect(hidden).toEqual({ id: "218349920563321@lid", ...unknownPn, role: "participant" });
      if (engine === "zapo") {
        // no labels on ZAPO, every route NotImplementedByEngineError
        expect(call("GET", "/labels").status).toBe(422);
        expect(call("PUT", `/labels/chats/${G}`, { labels: [] }).status).toBe(422);
      } else {
        const gold = call("POST", "/labels", { name: "gold", colorHex: "#FFD429" });
        expect(gold).toMatchObject({ status: 201, body: { name: "gold", color: 2, colorHex: "#ffd429" } });
        expect(call("POST", "/labels", { name: "gold", color: 3 })).toMatchObject({
          status: 422,
          body: { message: `Label with 'gold' already exists, id: ${gold.body.id}` },
        });
        const labelled = call("PUT", `/labels/chats/${G}`, { labels: [{ id: "1" }, { id: gold.body.id }] });
        expect(labelled.status).toBe(200);
        expect(call("PUT", `/labels/chats/${G}`, { labels: [{ id: gold.body.id }] }).status).toBe(200);
        expect(call("GET", `/labels/chats/${G}`).body.map((l: any) => l.name)).toEqual(["gold"]);
        // no server has the per-label route, the documented persona included
        expect(call("PUT", `/labels/1/chats/${G}`).status).toBe(404);
      }
      call("POST", "/send/text", { chatId: "14155550101@c.us", message: "second" });
      const mine = call("GET", "/chats/14155550101%40c.us/messages", undefined, {
        "filter.fromMe": "true",
        "filter.timestamp.gte": "1799999999",
      }).body;
      expect(mine.map((m: any) => m.body)).toEqual(["second"]);
      expect(call("GET", "/chats/14155550101%40c.us/messages").body.map((m: any) => m.body)).toEqual([
        "second",
        "Hi, is there an update?",
        "Welcome aboard, Dana!",
      ]);
    }
  });

  it("engines cache the picture URL until ?refresh=true; the reencodePicture hook decides what is stored", () => {
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYPgPAAEDAQAIicLsAAAAAElFTkSuQmCC",
      "base64",
    );
    const { call, sandbox } = on("noweb", {
      reencodePicture: (f) => ({ mimetype: "image/jpeg", data: new Uint8Array([...f.data, 1]) }),
    });
    const before = call("GET", `/groups/${G}/picture`).body.url;
    call("PUT", `/groups/${G}/picture`, { file: { mimetype: "image/png", data: png.toString("base64") } });
    expect(call("GET", `/groups/${G}/picture`).body.url).toBe(before);
    const after = call("GET", `/groups/${G}/picture`, undefined, { refresh: "true" }).body.url;
    expect(after).not.toBe(before);
    const stored = sandbox.state.files[sandbox.state.groups[0]!.picture!]!;
    expect(stored.mimetype).toBe("image/jpeg");
    expect(Buffer.from(stored.data, "base64").length).toBe(png.length + 1);
  });

  it("quirks: an old server lacks the newer routes, a personal number has no labels, NOWEB without its store", () => {
    const { call, sandbox } = on("noweb");
    sandbox.state.quirks = parseQuirks("old-server", "--quirks");
    const cannot = (m: string, path: string) => ({
      status: 404,
      body: { statusCode: 404, message: `Cannot ${m} ${path}`, error: "Not Found" },
    });
    expect(call("GET", "/groups/count")).toEqual(cannot("GET", "/groups/count"));
    expect(call("GET", `/groups/${G}/participants/v2`)).toEqual(
      cannot("GET", `/groups/${G}/participants/v2`),
    );
    const approval = `/groups/${G}/settings/security/membership-approval`;
    expect(call("PUT", approval, { newMembersApprovalRequired: true })).toEqual(cannot("PUT", approval));
    // the older routes still answer
    expect(call("GET", `/groups/${G}/participants`).status).toBe(200);
    expect(call("GET", `/groups/${G}/settings/security/info-admin-only`).body).toEqual({ adminsOnly: true });
    sandbox.state.quirks = parseQuirks("not-business", "--quirks");
    expect(call("GET", "/labels")).toMatchObject({ status: 400, body: { message: /Business/ } });
    expect(call("GET", "/groups/count").status).toBe(200);
    sandbox.state.quirks = parseQuirks(" noweb-store-off ,", "--quirks");
    expect(call("GET", `/labels/chats/${G}`)).toMatchObject({
      status: 400,
      body: { message: /Enable NOWEB store/ },
    });
    expect(call("GET", "/chats/14155550101%40c.us/messages").status).toBe(400);
    // only NOWEB has a store to turn off
    const gows = on("gows");
    gows.sandbox.state.quirks = { nowebStoreOff: true };
    expect(gows.call("GET", "/labels").status).toBe(200);
    expect(() => parseQuirks("old-server,newer", "--quirks")).toThrow(
      '--quirks: unknown quirk "newer" (known: old-server, not-business, noweb-store-off, participants-null)',
    );
  });

  it("ZAPO: writes and per-person calls answer an empty body, an unknown lid is a 404, no member-add-mode getter", () => {
    const { call, sandbox } = on("zapo");
    const out = call("POST", `/groups/${G}/participants/add`, { participants: [{ id: "14155550177@c.us" }] });
    expect(out).toEqual({ status: 200, body: undefined });
    expect(sandbox.state.groups[0]!.participants.map((p) => p.jid)).toContain("14155550177@c.us");
    expect(
      call("POST", `/groups/${G}/admin/promote`, { participants: [{ id: "14155550177@c.us" }] }),
    ).toEqual({
      status: 200,
      body: undefined,
    });
    expect(call("PUT", `/groups/${G}/subject`, { subject: "PM-1042 | New" })).toEqual({
      status: 200,
      body: undefined,
    });
    expect(call("GET", "/lids/999999999999999%40lid")).toEqual({
      status: 404,
      body: { message: "Not Found", statusCode: 404 },
    });
    expect(call("GET", `/groups/${G}/settings/security/member-add-mode`).status).toBe(422);
    expect(
      call("PUT", `/groups/${G}/settings/security/member-add-mode`, { membersCanAddNewMember: true }).status,
    ).toBe(200);
    // exclude=participants is ignored, settings only in _data
    const [first] = call("GET", "/groups", undefined, { exclude: "participants" }).body;
    expect(first.participants.length).toBeGreaterThan(0);
    expect(first).not.toHaveProperty("restrict");
    expect(first._data).toMatchObject({ restrict: true, announce: false, memberAddMode: "all_member_add" });
  });

  it("WEBJS: a refused add and a failed create are plain strings; promote ignores people not in the group", () => {
    const { call, sandbox } = on("webjs");
    expect(
      call("POST", `/groups/${G}/admin/promote`, { participants: [{ id: "14155550177@c.us" }] }),
    ).toEqual({
      status: 200,
      body: { status: 200 },
    });
    expect(call("POST", "/groups", { name: `T-1 | ${"x".repeat(100)}` })).toEqual({
      status: 201,
      body: "CreateGroupError: An unknown error occupied while creating a group",
    });
    sandbox.state.groups[0]!.participants[0]!.role = "member";
    expect(
      call("POST", `/groups/${G}/participants/add`, { participants: [{ id: "14155550177@c.us" }] }),
    ).toEqual({
      status: 200,
      body: "AddParticipantsError: You have no admin rights to add a participant to a group",
    });
  });

  it("WAGROUPS_SANDBOX_ENGINE picks a persona, and a wrong one is a one-line error", () => {
    expect(sandboxEngine({ WAGROUPS_SANDBOX_ENGINE: "gows" })).toBe("gows");
    expect(sandboxEngine({})).toBeUndefined();
    expect(() => sandboxEngine({ WAGROUPS_SANDBOX_ENGINE: "baileys" })).toThrow(
      'WAGROUPS_SANDBOX_ENGINE must be one of wawp, webjs, noweb, noweb-lid, gows, zapo (got "baileys")',
    );
  });
});

describe("sandbox serve --backend waha", () => {
  it("serves /api/{session}/… and POST /api/sendText behind X-Api-Key, alongside /v2", async () => {
    const sandbox = new Sandbox(seedState(), { token: "k3y" });
    const running = await serveSandbox(sandbox, { backend: "waha" });
    try {
      const base = running.baseUrl;
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const key = { "x-api-key": "k3y", "content-type": "application/json" };
      expect((await fetch(`${base}/api/default/groups/count`)).status).toBe(401);
      expect(
        (await fetch(`${base}/api/default/groups/count`, { headers: { "x-api-key": "nope" } })).status,
      ).toBe(401);
      expect(await (await fetch(`${base}/api/default/groups/count`, { headers: key })).json()).toEqual({
        count: 9,
      });
      expect((await fetch(`${base}/api/other/groups`, { headers: key })).status).toBe(404);
      const sent = await fetch(`${base}/api/sendText`, {
        method: "POST",
        headers: key,
        body: JSON.stringify({ session: "default", chatId: "14155550101@c.us", text: "hi" }),
      });
      expect(sent.status).toBe(201);
      expect(sandbox.state.messages["14155550101@c.us"]!.at(-1)!.body).toBe("hi");
      const v2 = await fetch(`${base}/v2/groups/count?instance_id=sandbox&access_token=k3y`);
      expect(await v2.json()).toEqual({ count: 9 });
    } finally {
      await running.close();
    }
  });
});
