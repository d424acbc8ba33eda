import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors.js";
import { addSecret, redact } from "../../../src/redact.js";
import { WawpClient } from "../../../src/wawp/client.js";
import { httpTransport } from "../../../src/wawp/transport.js";

const BASE = "http://wawp.test";
const CANARY = "CANARY-token-5f2b9e7d1c";

let agent: MockAgent;
let slept: number[];

function client(opts: { pageSize?: number } = {}) {
  addSecret(CANARY);
  const transport = httpTransport({
    baseUrl: `${BASE}/v2`,
    instanceId: "inst-1",
    accessToken: CANARY,
    dispatcher: agent,
  });
  return new WawpClient(transport, {
    sleep: async (ms) => {
      slept.push(ms);
    },
    random: () => 0.5,
    ...opts,
  });
}

const path = (p: string) => (full: string) => full.split("?")[0] === `/v2${p}`;
const query = (full: string) => new URL(full, BASE).searchParams;

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  slept = [];
});
afterEach(async () => {
  await agent.close();
});

describe("WawpClient over undici with MockAgent", () => {
  it("really goes through the mock: auth rides in the query, an unmocked call never reaches the network", async () => {
    let seen: URLSearchParams | undefined;
    agent
      .get(BASE)
      .intercept({
        path: (p) => {
          seen = query(p);
          return path("/groups")(p);
        },
        method: "GET",
      })
      .reply(200, []);
    agent
      .get(BASE)
      .intercept({ path: path("/groups/count"), method: "GET" })
      .reply(200, { count: 0 });
    await expect(client().listGroups()).resolves.toEqual([]);
    expect(seen?.get("instance_id")).toBe("inst-1");
    expect(seen?.get("access_token")).toBe(CANARY);
    // nothing intercepts this one, and net connect is disabled: it fails without a real request
    const err = await client()
      .getInviteCode("1@g.us")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(String((err as Error).message)).not.toContain(CANARY);
  });

  it("pages the listing until an empty page, even when the server caps pages below the limit", async () => {
    const pool = agent.get(BASE);
    pool.intercept({ path: path("/groups/count"), method: "GET" }).reply(200, { count: 3 });
    const page = (ids: number[]) =>
      ids.map((i) => ({ id: `12036300000000000${i}@g.us`, subject: `G-${i} | x`, participants: [] }));
    pool
      .intercept({ path: (p) => path("/groups")(p) && query(p).get("offset") === "0", method: "GET" })
      .reply(200, page([1, 2]));
    pool
      .intercept({ path: (p) => path("/groups")(p) && query(p).get("offset") === "2", method: "GET" })
      .reply(200, page([3]));
    pool
      .intercept({ path: (p) => path("/groups")(p) && query(p).get("offset") === "3", method: "GET" })
      .reply(200, []);
    const groups = await client({ pageSize: 500 }).listGroups();
    expect(groups.map((g) => g.subject)).toEqual(["G-1 | x", "G-2 | x", "G-3 | x"]);
  });

  it("retries a 429, honouring Retry-After", async () => {
    const pool = agent.get(BASE);
    pool
      .intercept({ path: path("/groups/1%40g.us/subject"), method: "PUT" })
      .reply(429, { message: "slow down" }, { headers: { "retry-after": "3" } });
    pool.intercept({ path: path("/groups/1%40g.us/subject"), method: "PUT" }).reply(200, "true");
    await client().setSubject("1@g.us", "A-1 | x");
    expect(slept).toEqual([3000]);
  });

  it("retries a 500 with backoff and then succeeds", async () => {
    const pool = agent.get(BASE);
    pool
      .intercept({ path: path("/groups/1%40g.us/participants/add"), method: "POST" })
      .reply(500, { error: "wawp_upstream_error" });
    pool
      .intercept({ path: path("/groups/1%40g.us/participants/add"), method: "POST" })
      .reply(502, "bad gateway");
    pool
      .intercept({ path: path("/groups/1%40g.us/participants/add"), method: "POST" })
      .reply(200, { "14155550101@c.us": { code: 200 } });
    const out = await client().addParticipants("1@g.us", ["14155550101@c.us"]);
    expect(out).toEqual([{ jid: "14155550101@c.us", code: 200 }]);
    expect(slept.length).toBe(2);
    expect(slept[1]!).toBeGreaterThan(slept[0]!);
  });

  it("gives up after its attempts and says what failed, without the token", async () => {
    const pool = agent.get(BASE);
    pool
      .intercept({ path: path("/groups/1%40g.us/invite-code"), method: "GET" })
      .reply(503, { message: `upstream said access_token=${CANARY}` })
      .times(10);
    const err = (await client()
      .getInviteCode("1@g.us")
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(err.operation).toBe("get invite code");
    expect(err.message).not.toContain(CANARY);
    expect(JSON.stringify(err.body)).not.toContain(CANARY);
    expect(slept.length).toBe(5);
  });

  it("never blindly retries a create whose reply was lost: it fails as uncertain after one request", async () => {
    const pool = agent.get(BASE);
    let calls = 0;
    pool
      .intercept({ path: (p) => path("/groups")(p) && ++calls > 0, method: "POST" })
      .replyWithError(new Error("socket hang up"))
      .times(3);
    const err = (await client()
      .createGroup("A-1 | x", ["14155550101@c.us"])
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.uncertain).toBe(true);
    expect(calls).toBe(1);
  });

  it("a 500 on create is uncertain too, and is not retried", async () => {
    const pool = agent.get(BASE);
    pool.intercept({ path: path("/groups"), method: "POST" }).reply(500, { message: "upstream" });
    const err = (await client()
      .createGroup("A-1 | x", [])
      .catch((e: unknown) => e)) as ApiError;
    expect(err.uncertain).toBe(true);
    expect(slept).toEqual([]);
  });

  it("a 429 on create is retried: nothing happened", async () => {
    const pool = agent.get(BASE);
    pool
      .intercept({ path: path("/groups"), method: "POST" })
      .reply(429, "", { headers: { "retry-after": "1" } });
    pool.intercept({ path: path("/groups"), method: "POST" }).reply(201, { id: "120363000000000001@g.us" });
    await expect(client().createGroup("A-1 | x", [])).resolves.toMatchObject({
      id: "120363000000000001@g.us",
    });
  });

  it("a Retry-After beyond the limit fails at once with the wait attached", async () => {
    const pool = agent.get(BASE);
    pool
      .intercept({ path: path("/groups/1%40g.us/leave"), method: "POST" })
      .reply(429, "", { headers: { "retry-after": "3600" } });
    const err = (await client()
      .leave("1@g.us")
      .catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(3_600_000);
  });

  it("reads every setting through its endpoint and writes the documented bodies", async () => {
    const pool = agent.get(BASE);
    pool
      .intercept({ path: path("/groups/1%40g.us/settings/security/member-add-mode"), method: "GET" })
      .reply(200, { membersCanAddNewMember: false });
    pool
      .intercept({ path: path("/groups/1%40g.us/settings/security/info-admin-only"), method: "GET" })
      .reply(200, { adminsOnly: true });
    // the interceptor matches only this exact body, so a wrong body fails the call
    pool
      .intercept({
        path: path("/groups/1%40g.us/settings/security/membership-approval"),
        method: "PUT",
        body: JSON.stringify({ newMembersApprovalRequired: true }),
      })
      .reply(200, "true");
    const c = client();
    expect(await c.getSetting("1@g.us", "addMembers")).toBe("admins");
    expect(await c.getSetting("1@g.us", "editInfo")).toBe("admins");
    await expect(c.setSetting("1@g.us", "approveJoins", true)).resolves.toBeUndefined();
  });
});

describe("redaction", () => {
  it("every error path with a canary token leaves no trace of it", async () => {
    const c = client();
    const pool = agent.get(BASE);
    const failures: Promise<unknown>[] = [];
    pool
      .intercept({ path: path("/groups/a%40g.us/invite-code"), method: "GET" })
      .reply(401, { message: `bad token ${CANARY}` });
    failures.push(c.getInviteCode("a@g.us"));
    pool
      .intercept({ path: path("/groups/b%40g.us/invite-code"), method: "GET" })
      .reply(404, `no group; your url had access_token=${CANARY}`);
    failures.push(c.getInviteCode("b@g.us"));
    pool
      .intercept({ path: path("/groups/c%40g.us/invite-code"), method: "GET" })
      .replyWithError(new Error(`connect ECONNRESET ${BASE}/v2/groups?access_token=${CANARY}`))
      .times(10);
    failures.push(c.getInviteCode("c@g.us"));
    pool
      .intercept({ path: path("/send/text"), method: "POST" })
      .replyWithError(new Error(`other side closed: ${encodeURIComponent(CANARY)}`));
    failures.push(c.sendText("14155550101@c.us", "hi"));
    failures.push(c.download(`${BASE}/files/x.png?access_token=${CANARY}`));
    for (const f of failures) {
      const e = (await f.catch((x: unknown) => x)) as ApiError;
      expect(e).toBeInstanceOf(ApiError);
      const everything = `${e.message} ${e.stack} ${JSON.stringify(e.body)} ${JSON.stringify(e)}`;
      expect(everything).not.toContain(CANARY);
      expect(everything).not.toContain(encodeURIComponent(CANARY));
    }
  });

  it("redact() masks registered secrets and any access_token query value", () => {
    addSecret("s3cr3t-value");
    expect(redact("GET /v2/groups?instance_id=1&access_token=not-a-real-one s3cr3t-value")).toBe(
      "GET /v2/groups?instance_id=1&access_token=*** ***",
    );
  });
});
