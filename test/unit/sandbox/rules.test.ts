import { describe, expect, it } from "vitest";
import type { ApiError } from "../../../src/errors.js";
import { FaultInjector, parseFaults } from "../../../src/sandbox/faults.js";
import { seedState } from "../../../src/sandbox/seed.js";
import type { Engine } from "../../../src/sandbox/state.js";
import { MAX_PARTICIPANTS } from "../../../src/whatsapp.js";
import { n, SELF, sandboxClient, sbGroup, sbState } from "../../helpers/fleet.js";

const G = "120363000000000001@g.us";
const fail = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ApiError,
  );

function fixture(over: Parameters<typeof sbState>[1] = {}) {
  return sandboxClient(
    sbState(
      [
        sbGroup({
          id: G,
          subject: "T-1 | Test",
          owner: n(1),
          participants: [
            { jid: n(1), role: "superadmin" },
            { jid: SELF, role: "admin" },
            { jid: n(2), role: "member" },
          ],
        }),
        sbGroup({
          id: "120363000000000002@g.us",
          subject: "Theirs",
          owner: n(1),
          participants: [
            { jid: n(1), role: "superadmin" },
            { jid: SELF, role: "member" },
          ],
        }),
      ],
      over,
    ),
  );
}

describe("sandbox keeps WhatsApp's rules", () => {
  it("the creator cannot be demoted or removed", async () => {
    const { client, sandbox } = fixture();
    expect((await fail(client.demote(G, [n(1)])))?.status).toBe(403);
    expect((await fail(client.removeParticipants(G, [n(1)])))?.status).toBe(403);
    expect(sandbox.state.groups[0]!.participants.find((p) => p.jid === n(1))?.role).toBe("superadmin");
  });

  it("a group never exceeds 1,024 participants: the extra add answers 419", async () => {
    const { client, sandbox } = fixture();
    const many = Array.from(
      { length: MAX_PARTICIPANTS },
      (_, i) => `4479110${String(i).padStart(5, "0")}@c.us`,
    );
    const out = await client.addParticipants(G, many);
    expect(sandbox.state.groups[0]!.participants.length).toBe(MAX_PARTICIPANTS);
    expect(out.filter((o) => o.code === 419).length).toBe(3 + many.length - MAX_PARTICIPANTS);
  });

  it("a create above the cap is refused", async () => {
    const { client } = fixture();
    const many = Array.from(
      { length: MAX_PARTICIPANTS },
      (_, i) => `4479110${String(i).padStart(5, "0")}@c.us`,
    );
    expect((await fail(client.createGroup("T-2 | big", many)))?.status).toBe(400);
  });

  it("privacy-restricted numbers come back 403 from add (and from create), and are not added", async () => {
    const { client, sandbox } = fixture({ privacyRestricted: [n(9)] });
    expect(await client.addParticipants(G, [n(9), n(3)])).toEqual([
      { jid: n(9), code: 403 },
      { jid: n(3), code: 200 },
    ]);
    const created = await client.createGroup("T-3 | new", [n(9), n(4)]);
    expect(created.id).toMatch(/@g\.us$/);
    expect(created.outcomes.map((o) => o.code)).toEqual([403, 200]);
    expect(sandbox.state.groups.find((g) => g.id === created.id)!.participants.map((p) => p.jid)).toEqual([
      SELF,
      n(4),
    ]);
  });

  it("only admins change settings", async () => {
    const { client } = fixture();
    expect((await fail(client.setSetting("120363000000000002@g.us", "sendMessages", "admins")))?.status).toBe(
      403,
    );
    await client.setSetting(G, "sendMessages", "admins");
    expect(await client.getSetting(G, "sendMessages")).toBe("admins");
  });

  it("answers 401 to a wrong token", () => {
    const { sandbox } = fixture();
    const out = sandbox.handle({
      method: "GET",
      path: "/groups",
      query: { instance_id: "sandbox", access_token: "wrong" },
    });
    expect(out.kind === "response" && out.res.status).toBe(401);
  });

  it("is deterministic under a fault seed, so a failing run can be replayed", () => {
    const decide = (seed: number) => {
      const f = new FaultInjector(parseFaults(`error=0.2,429=0.2,lost=0.2,drop=0.1,seed=${seed}`));
      return Array.from({ length: 40 }, () => f.decide(true, "x").kind).join(",");
    };
    expect(decide(7)).toBe(decide(7));
    expect(decide(7)).not.toBe(decide(8));
  });

  it("every Nth write can fail or lose its reply, and failFor hits one number", () => {
    const f = new FaultInjector(parseFaults("errorEvery=4,lostEvery=5,failFor=14155550199"));
    const kinds = Array.from({ length: 10 }, () => f.decide(true, "x").kind);
    expect(kinds).toEqual(["none", "none", "none", "error", "lost", "none", "none", "error", "none", "lost"]);
    expect(f.decide(false, "/chats/14155550199@c.us/messages").kind).toBe("error");
  });

  it("rejects a fault spec it does not understand", () => {
    expect(() => parseFaults("error=2")).toThrow(/rate from 0 to 1/);
    expect(() => parseFaults("explode=1")).toThrow(/unknown fault "explode"/);
  });

  it("its own write limit answers 429 with Retry-After", async () => {
    let t = 0;
    const { sandbox } = sandboxClient(
      sbState([sbGroup({ id: G, subject: "T-1 | x", participants: [{ jid: SELF, role: "superadmin" }] })]),
      "ratelimit=2",
      () => t,
    );
    const put = () =>
      sandbox.handle({
        method: "PUT",
        path: `/groups/${G}/subject`,
        query: { instance_id: "sandbox", access_token: "sandbox" },
        body: { subject: "T-1 | y" },
      });
    put();
    put();
    const third = put();
    expect(third.kind === "response" && third.res.status).toBe(429);
    expect(third.kind === "response" && third.res.headers["retry-after"]).toBe("60");
    t = 61_000;
    const fourth = put();
    expect(fourth.kind === "response" && fourth.res.status).toBe(200);
  });

  it("the seed reads the same through the client on every persona the client already understands", async () => {
    const read = async (engine: Engine) => {
      const { client } = sandboxClient({ ...seedState(), engine });
      return (await client.listGroups())
        .map((g) => [g.id, g.subject, g.participants?.map((p) => `${p.jid}:${p.role}`).sort()])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    };
    const wawp = await read("wawp");
    expect(wawp.length).toBe(9);
    // WEBJS and ZAPO have no phone number for a participant known only by privacy ID
    const lidOnly = wawp.map(([id, s, p]) => [
      id,
      s,
      (p as string[]).map((x) => x.replace("14155550126@c.us", "218349920563321@lid")).sort(),
    ]);
    expect(await read("webjs")).toEqual(lidOnly);
    expect(await read("zapo")).toEqual(lidOnly);
    expect(await read("noweb")).toEqual(wawp);
    expect(await read("noweb-lid")).toEqual(wawp);
  });
});
