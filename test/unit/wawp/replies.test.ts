// Write replies and the smaller reads, per engine. Bodies are trimmed from the recorded fixtures
// (test/fixtures/engines/<engine>/…), each written from the source named beside it.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors.js";
import { WawpClient } from "../../../src/wawp/client.js";
import { isUnsupported } from "../../../src/wawp/errors.js";
import type { WawpRequest } from "../../../src/wawp/transport.js";
import { fakeTransport, type Reply } from "../../helpers/fake-transport.js";

const G = "120363025550000001@g.us";
const g = encodeURIComponent(G);
const n = (i: number) => `141555501${String(i).padStart(2, "0")}@c.us`;
const noSleep = { sleep: async () => {}, random: () => 0 };

function clientFor(route: (req: WawpRequest) => Reply | undefined) {
  const fake = fakeTransport(route);
  return { client: new WawpClient(fake.transport, noSleep), ...fake };
}
const failure = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as ApiError;

describe("replies that say no are failures", () => {
  // whatsapp-web.js GroupChat.setSubject/setDescription/setMessagesAdminsOnly resolve false when refused
  it.each([
    ["set subject", (c: WawpClient) => c.setSubject(G, "PM-1 | Alpha")],
    ["set description", (c: WawpClient) => c.setDescription(G, "Cohort 1")],
    ["set setting editInfo", (c: WawpClient) => c.setSetting(G, "editInfo", "admins")],
  ])("WEBJS false on %s is a 403 refusal", async (operation, call) => {
    const { client } = clientFor(() => [200, false]);
    const err = await failure(call(client));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(403);
    expect(err.message).toBe(
      `${operation}: HTTP 403: the engine answered false (the instance may not do this; is it an admin?)`,
    );
  });

  it("true, null (an empty body) and {success: true} are successes", async () => {
    for (const body of [true, null, { success: true }]) {
      const { client } = clientFor(() => [200, body]);
      await expect(client.setSubject(G, "PM-1 | Alpha")).resolves.toBeUndefined();
    }
  });

  it("an empty subject or description is never sent (GOWS answers 400 to it)", async () => {
    const { client, requests } = clientFor(() => [200, true]);
    const err = await failure(client.setDescription(G, " "));
    expect(isUnsupported(err)).toBe(true);
    expect(err.message).toBe("set description: an empty description is never sent (engines refuse it)");
    await expect(client.setSubject(G, "")).rejects.toThrow("an empty subject is never sent");
    expect(requests).toEqual([]);
  });

  it("a whole-call failure as a plain string (WEBJS not an admin) fails the call", async () => {
    const { client } = clientFor(() => [
      200,
      "AddParticipantsError: You have no admin rights to add a participant to a group",
    ]);
    await expect(client.addParticipants(G, [n(5)])).rejects.toThrow(
      "add participants: HTTP 200: AddParticipantsError: You have no admin rights",
    );
  });

  it("WEBJS CreateGroupError is a definite failure, not an uncertain one", async () => {
    const { client } = clientFor(() => [
      201,
      "CreateGroupError: An unknown error occupied while creating a group",
    ]);
    const err = await failure(client.createGroup("PM-9 | Iota", [n(1)]));
    expect(err.uncertain).toBe(false);
    expect(err.message).toBe(
      "create group: HTTP 201: the engine refused: CreateGroupError: An unknown error occupied while creating a group",
    );
  });
});

describe("per-person results", () => {
  it("NOWEB remove answers [{status, jid}]: the refused person is reported", async () => {
    // Baileys src/Socket/groups.ts groupParticipantsUpdate
    const { client } = clientFor(() => [
      200,
      [
        { status: "200", jid: "14155550102@s.whatsapp.net", content: { tag: "participant", attrs: {} } },
        {
          status: "404",
          jid: "14155550104@s.whatsapp.net",
          content: { tag: "participant", attrs: { error: "404" } },
        },
      ],
    ]);
    expect(await client.removeParticipants(G, [n(2), n(4)])).toEqual([
      { jid: n(2), code: 200 },
      { jid: n(4), code: 404 },
    ]);
  });

  it("NOWEB on a lid group: the number comes from the node's attrs.phone_number", async () => {
    const { client } = clientFor(() => [
      200,
      [
        {
          status: "200",
          jid: "173300112233005@lid",
          content: { attrs: { phone_number: "14155550105@s.whatsapp.net" } },
        },
        {
          status: "403",
          jid: "173300112233006@lid",
          content: { attrs: { error: "403", phone_number: "14155550106@s.whatsapp.net" } },
        },
      ],
    ]);
    expect(await client.promote(G, [n(5), n(6)])).toEqual([
      { jid: n(5), code: 200 },
      { jid: n(6), code: 403 },
    ]);
  });

  it("GOWS add: Error codes map like every engine's, AddRequest alone means an invite is needed", async () => {
    // whatsmeow types/group.go GroupParticipant {Error, AddRequest}
    const p = (i: number, error: number, AddRequest: unknown = null) => ({
      JID: `1733001122330${String(i).padStart(2, "0")}@lid`,
      PhoneNumber: `141555501${String(i).padStart(2, "0")}@s.whatsapp.net`,
      IsAdmin: false,
      Error: error,
      AddRequest,
    });
    const { client } = clientFor(() => [
      200,
      [
        p(5, 0),
        p(6, 403, { Code: "AbCd", Expiration: "2026-08-14T00:00:00Z" }),
        p(7, 0, { Code: "x" }),
        p(8, 419),
        p(9, 409),
      ],
    ]);
    expect(await client.addParticipants(G, [n(5), n(6), n(7), n(8), n(9)])).toEqual([
      { jid: n(5), code: 200 },
      { jid: n(6), code: 403 },
      { jid: n(7), code: 403 },
      { jid: n(8), code: 419 },
      { jid: n(9), code: 409 },
    ]);
  });

  it("{status: 200} or {ok: true} without detail: everyone asked is done", async () => {
    for (const body of [{ status: 200 }, { ok: true }]) {
      const { client } = clientFor(() => [200, body]);
      expect(await client.demote(G, [n(1), n(2)])).toEqual([
        { jid: n(1), code: 200 },
        { jid: n(2), code: 200 },
      ]);
    }
  });

  it("GOWS create: the creator is no outcome, Error 403 is the invite fallback", async () => {
    const { client } = clientFor(() => [
      201,
      {
        JID: "120363025550000009@g.us",
        Name: "PM-9 | Iota",
        Participants: [
          {
            JID: "173300112233001@lid",
            PhoneNumber: "14155550100@s.whatsapp.net",
            IsSuperAdmin: true,
            Error: 0,
          },
          { JID: "173300112233002@lid", PhoneNumber: "14155550101@s.whatsapp.net", Error: 0 },
          {
            JID: "118930455667788@lid",
            PhoneNumber: "14155550103@s.whatsapp.net",
            Error: 403,
            AddRequest: { Code: "x" },
          },
        ],
      },
    ]);
    expect(await client.createGroup("PM-9 | Iota", [n(1), n(3)])).toEqual({
      id: "120363025550000009@g.us",
      outcomes: [
        { jid: n(1), code: 200 },
        { jid: n(3), code: 403 },
      ],
    });
  });
});

describe("engine differences", () => {
  it("a settings route an older server lacks (404 Cannot GET) or an engine refuses (422) is UnsupportedError", async () => {
    const { client } = clientFor((req) =>
      req.path.endsWith("member-add-mode")
        ? [
            404,
            {
              message: `Cannot GET /api/default/groups/${g}/settings/security/member-add-mode`,
              error: "Not Found",
              statusCode: 404,
            },
          ]
        : [422, { statusCode: 422, message: "The method is not implemented by the engine." }],
    );
    const read = await failure(client.getSetting(G, "addMembers"));
    expect(isUnsupported(read)).toBe(true);
    expect(read.status).toBe(404);
    const write = await failure(client.setSetting(G, "approveJoins", true));
    expect(isUnsupported(write)).toBe(true);
    expect(write.message).toBe(
      "set setting approveJoins: HTTP 422: The method is not implemented by the engine. (this server cannot do it)",
    );
  });

  it("DELETE /groups/{id} answering 422 (NOWEB, GOWS) is UnsupportedError; a 403 stays a plain ApiError", async () => {
    const { client } = clientFor((req) =>
      req.path === `/groups/${g}`
        ? [422, { message: "The method is not implemented by the engine." }]
        : [403, { message: "not an admin" }],
    );
    expect(isUnsupported(await failure(client.deleteGroup(G)))).toBe(true);
    const other = await failure(client.deleteGroup("120363025550000002@g.us"));
    expect(other.status).toBe(403);
    expect(isUnsupported(other)).toBe(false);
  });

  it("NOWEB/GOWS 500s: the reason is exception.message, not Nest's generic text", async () => {
    // WAHA src/api/exception.filter.ts
    const { client } = clientFor(() => [
      500,
      {
        statusCode: 500,
        timestamp: "2026-08-07T09:00:00.000Z",
        exception: { message: "2 UNKNOWN: info query returned status 403: forbidden", name: "Error" },
        message: "Internal server error",
      },
    ]);
    const err = await failure(client.setSubject(G, "PM-1 | Alpha"));
    expect(err.message).toBe("set subject: HTTP 500: 2 UNKNOWN: info query returned status 403: forbidden");
  });
});
