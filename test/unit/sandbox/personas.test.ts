// Engine personas answer with the quirks real engines have; the WAHA backend speaks WAHA's paths.
import { describe, expect, it } from "vitest";
import { Sandbox } from "../../../src/sandbox/sandbox.js";
import { seedState } from "../../../src/sandbox/seed.js";
import { serveSandbox } from "../../../src/sandbox/server.js";
import { type Engine, sandboxEngine } from "../../../src/sandbox/state.js";
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
  it("GOWS: PascalCase GroupInfo, Participants null in listings, Error/AddRequest per person, 400 on empty text, 422 delete", () => {
    const { call } = on("gows");
    const list = call("GET", "/groups").body;
    expect(list[0]).toMatchObject({
      JID: "120363025550000001@g.us",
      Name: "PM-1042 | Maple Ct Maintenance",
      Participants: null,
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
    expect(missing.body.exception.message).toMatch(/item-not-found/);
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

  it("WEBJS: 1/0 approval, new groups start admins-only, a refused setter is 200 false, pages follow activity", () => {
    const { call, sandbox } = on("webjs");
    const created = call("POST", "/groups", {
      name: "T-1 | New",
      participants: [{ id: "14155550177@c.us" }],
    });
    expect(created.body.gid._serialized).toMatch(/@g\.us$/);
    const g = call("GET", `/groups/${encodeURIComponent(created.body.gid._serialized)}`).body.groupMetadata;
    expect(g).toMatchObject({ announce: true, restrict: true, membershipApprovalMode: 0 });
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
      expect(v2[0]).toEqual({ id: expect.any(String), pn: "14155550100@c.us", role: "superadmin" });
      const gold = call("POST", "/labels", { name: "gold", colorHex: "#FFD429" });
      expect(gold).toMatchObject({ status: 201, body: { name: "gold", color: 2, colorHex: "#ffd429" } });
      expect(call("PUT", `/labels/chats/${G}`, { labels: [{ id: "1" }, { id: gold.body.id }] }).status).toBe(
        200,
      );
      expect(call("PUT", `/labels/chats/${G}`, { labels: [{ id: gold.body.id }] }).status).toBe(200);
      expect(call("GET", `/labels/chats/${G}`).body.map((l: any) => l.name)).toEqual(["gold"]);
      if (engine !== "wawp") expect(call("PUT", `/labels/1/chats/${G}`).status).toBe(404);
      call("POST", "/send/text", { chatId: "14155550101@c.us", message: "second" });
      const mine = call("GET", "/chats/14155550101%40c.us/messages", undefined, {
        "filter.fromMe": "true",
        "filter.timestamp.gte": "1799999999",
      }).body;
      expect(mine.map((m: any) => m.body)).toEqual(["second"]);
      expect(call("GET", "/chats/14155550101%40c.us/messages").body.map((m: any) => m.body)).toEqual([
        "second",
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
