// Participants, privacy IDs, labels, pictures and messages over the routes real servers have.
import { describe, expect, it } from "vitest";
import { WawpClient } from "../../../src/wawp/client.js";
import type { WawpRequest } from "../../../src/wawp/transport.js";
import { fakeTransport, type Reply } from "../../helpers/fake-transport.js";

const G = "120363025550000001@g.us";
const g = encodeURIComponent(G);
const LID = "205487112233445@lid";
const lidPath = `/lids/${encodeURIComponent(LID)}`;
const noSleep = { sleep: async () => {}, random: () => 0 };

function clientFor(route: (req: WawpRequest) => Reply | undefined) {
  const fake = fakeTransport(route);
  return { client: new WawpClient(fake.transport, noSleep), ...fake };
}

describe("participants", () => {
  const v2 = [
    { id: "14155550100@c.us", pn: "14155550100@c.us", role: "superadmin" },
    { id: LID, pn: null, role: "participant" },
    { id: "@c.us", role: "participant" },
  ];

  it("prefer participants/v2; an unresolved @lid is looked up once per lid for the client's lifetime", async () => {
    const { client, seen } = clientFor((req) => {
      if (req.path === `/groups/${g}/participants/v2`) return [200, v2];
      if (req.path === lidPath) return [200, { lid: LID, pn: "14155550103@c.us" }];
      return undefined;
    });
    const first = await client.readParticipants(G);
    expect(first).toEqual({
      participants: [
        { jid: "14155550100@c.us", role: "superadmin" },
        { jid: "14155550103@c.us", role: "member", lid: LID },
      ],
      invalidParticipants: ["@c.us"],
    });
    await client.getParticipants(G);
    expect(seen("GET", lidPath)).toBe(1);
    expect(seen("GET", `/groups/${g}/participants`)).toBe(0);
  });

  it("a 404 on v2 (an older server) falls back to /participants and is remembered for the run", async () => {
    const { client, seen } = clientFor((req) => {
      if (req.path === `/groups/${g}/participants`)
        return [200, [{ id: "14155550100@c.us", isAdmin: true, isSuperAdmin: true }]];
      return undefined; // Cannot GET …/participants/v2, and no /lids route either
    });
    for (let i = 0; i < 3; i++)
      expect(await client.getParticipants(G)).toEqual([{ jid: "14155550100@c.us", role: "superadmin" }]);
    expect(seen("GET", `/groups/${g}/participants/v2`)).toBe(1);
    expect(seen("GET", `/groups/${g}/participants`)).toBe(3);
  });

  it("a 404 on both routes is an unknown group: it fails, and v2 is not written off", async () => {
    const { client, seen } = clientFor(() => [404, { message: "group not found" }]);
    await expect(client.getParticipants(G)).rejects.toThrow("get participants: HTTP 404: group not found");
    await expect(client.getParticipants(G)).rejects.toThrow();
    expect(seen("GET", `/groups/${g}/participants/v2`)).toBe(2);
  });

  it("pn null stays an unresolved @lid; a server without /lids is asked once, then never again", async () => {
    const other = "118930455667788@lid";
    const withNull = clientFor((req) => {
      if (req.path.endsWith("/participants/v2")) return [200, [{ id: LID, role: "participant" }]];
      if (req.path === lidPath) return [200, { lid: LID, pn: null }];
      return undefined;
    });
    expect(await withNull.client.getParticipants(G)).toEqual([{ jid: LID, role: "member", lid: LID }]);

    const third = "173300112233009@lid";
    const noRoute = clientFor((req) => {
      if (req.path === `/groups/${g}/participants/v2`)
        return [
          200,
          [
            { id: LID, role: "participant" },
            { id: other, role: "participant" },
          ],
        ];
      if (req.path.endsWith("/participants/v2")) return [200, [{ id: third, role: "participant" }]];
      return undefined; // Cannot GET /lids/…
    });
    await noRoute.client.getParticipants(G);
    // both of the first group's look-ups were in flight together; after them the route is written off
    expect(noRoute.requests.filter((r) => r.path.startsWith("/lids/")).length).toBe(2);
    expect(await noRoute.client.getParticipants("120363025550000002@g.us")).toEqual([
      { jid: third, role: "member", lid: third },
    ]);
    expect(noRoute.requests.filter((r) => r.path.startsWith("/lids/")).length).toBe(2);
  });

  it("ZAPO answers an unknown lid with 404 Not Found: unknown, and the route stays in use", async () => {
    const other = "118930455667788@lid";
    const { client, seen } = clientFor((req) => {
      if (req.path === `/groups/${g}/participants/v2`) return [200, [{ id: LID, role: "participant" }]];
      if (req.path.endsWith("/participants/v2")) return [200, [{ id: other, role: "participant" }]];
      if (req.path === lidPath) return [404, { message: "Not Found", statusCode: 404 }];
      if (req.path === `/lids/${encodeURIComponent(other)}`)
        return [200, { lid: other, pn: "14155550103@c.us" }];
      return undefined;
    });
    expect(await client.getParticipants(G)).toEqual([{ jid: LID, role: "member", lid: LID }]);
    expect(await client.getParticipants("120363025550000002@g.us")).toEqual([
      { jid: "14155550103@c.us", role: "member", lid: other },
    ]);
    expect(seen("GET", lidPath)).toBe(1);
  });
});

describe("labels on the real routes", () => {
  it("list, create (palette index or hex), update, read and replace a chat's set", async () => {
    const { client, requests } = clientFor((req) => {
      if (req.path === "/labels" && req.method === "GET")
        return [
          200,
          [
            { id: "1", name: "New customer", color: 1, colorHex: "#64c4ff" },
            { id: "4", name: "PM cohort", colorHex: "#55CCB3" },
          ],
        ];
      if (req.path === "/labels" && req.method === "POST")
        return [201, { id: "5", name: "PM-9 cohort", color: 7, colorHex: "#d3a91d" }];
      if (req.path === `/labels/chats/${g}` && req.method === "GET")
        return [200, [{ id: "4", name: "PM cohort", color: 5 }]];
      if (req.method === "PUT") return [200, { success: true }];
      return undefined;
    });
    expect(await client.listLabels()).toEqual([
      { id: "1", name: "New customer", color: 1, colorHex: "#64c4ff" },
      { id: "4", name: "PM cohort", color: 5, colorHex: "#55ccb3" },
    ]);
    expect(await client.createLabel("PM-9 cohort", 7)).toEqual({
      id: "5",
      name: "PM-9 cohort",
      color: 7,
      colorHex: "#d3a91d",
    });
    await client.createLabel("Escalated", "#f74848");
    await client.updateLabel("4", { name: "PM cohort", color: 13 });
    expect(await client.chatLabels(G)).toEqual([
      { id: "4", name: "PM cohort", color: 5, colorHex: "#55ccb3" },
    ]);
    await client.setChatLabels(G, ["4", "5"]);
    const writes = requests.filter((r) => r.method !== "GET").map((r) => [r.method, r.path, r.body]);
    expect(writes).toEqual([
      ["POST", "/labels", { name: "PM-9 cohort", color: 7 }],
      ["POST", "/labels", { name: "Escalated", colorHex: "#f74848" }],
      ["PUT", "/labels/4", { name: "PM cohort", color: 13 }],
      ["PUT", `/labels/chats/${g}`, { labels: [{ id: "4" }, { id: "5" }] }],
    ]);
  });

  it("a label list that is not a list (NOWEB without its store answers 400 instead) is an error", async () => {
    const { client } = clientFor(() => [200, { labels: "disabled" }]);
    await expect(client.listLabels()).rejects.toThrow(
      "list labels: HTTP 200: not a list of labels: an object with keys labels",
    );
  });
});

describe("pictures and messages", () => {
  it("the picture is read with refresh=true: the engine's cached URL can be a day old", async () => {
    const { client, requests } = clientFor(() => [200, { url: "https://pps.whatsapp.net/v/x.jpg" }]);
    expect(await client.getPicture(G)).toEqual({ url: "https://pps.whatsapp.net/v/x.jpg" });
    expect(requests[0]?.query).toEqual({ refresh: true });
  });

  const msg = (i: number, fromMe: boolean) => ({
    id: `m${i}`,
    timestamp: 1_786_000_000 + i * 100,
    fromMe,
    body: `b${i}`,
  });

  it("a number reads one page, newest first (WEBJS sends oldest first)", async () => {
    const { client, requests } = clientFor(() => [200, [msg(1, true), msg(2, false), msg(3, false)]]);
    expect((await client.recentMessages("14155550106@c.us", 3)).map((m) => m.id)).toEqual(["m3", "m2", "m1"]);
    expect(requests[0]?.query).toEqual({ limit: 3, offset: 0, downloadMedia: false });
  });

  it("sinceUnix and fromMe are sent as filters, and paging goes on until the window is covered", async () => {
    // 10 messages, the server ignores the filters and pages by offset: newest first
    const chat = Array.from({ length: 10 }, (_, i) => msg(10 - i, i % 2 === 0));
    const { client, requests } = clientFor((req) => {
      const offset = Number(req.query?.offset);
      return [200, chat.slice(offset, offset + Number(req.query?.limit))];
    });
    const since = 1_786_000_000 + 250; // covers m3..m10
    const out = await client.recentMessages("14155550106@c.us", { limit: 3, sinceUnix: since, fromMe: true });
    expect(out.map((m) => m.id)).toEqual(["m10", "m8", "m6", "m4"]);
    expect(requests[0]?.query).toEqual({
      limit: 3,
      offset: 0,
      downloadMedia: false,
      "filter.timestamp.gte": since,
      "filter.fromMe": true,
    });
    // pages at 0, 3 and 6 reach m3's page; m2 is older than the window, so no fourth read
    expect(requests.map((r) => r.query?.offset)).toEqual([0, 3, 6]);
  });

  it("a window that cannot be covered within the page budget is an error, not a partial answer", async () => {
    let i = 0;
    const { client } = clientFor(() => [200, [msg(100_000 - ++i, true)]]);
    await expect(client.recentMessages("14155550106@c.us", { limit: 1, sinceUnix: 1 })).rejects.toThrow(
      "read recent messages: more than 20 messages since 1970-01-01T00:00:01.000Z; the window was not covered",
    );
  });
});
