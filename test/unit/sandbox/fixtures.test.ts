// Each persona against the recorded engine responses in test/fixtures/engines/<engine>/: the same call,
// replayed on the seed in the situation the recording names (not an admin, a full group, an old server,
// …), must answer with the same status and the same shape (keys and value types). Where a shape follows
// the recording's own fleet (a group without a description has no desc keys), a listed group is held to
// any group the engine was recorded listing, and fleet-bound values (a lid, the last page's offset) are
// swapped for the sandbox's own.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { derivedLid } from "../../../src/sandbox/model.js";
import { Sandbox } from "../../../src/sandbox/sandbox.js";
import { seedState } from "../../../src/sandbox/seed.js";
import { ENGINES, type Engine, type SandboxState } from "../../../src/sandbox/state.js";
import type { WawpRequest } from "../../../src/wawp/transport.js";
import { MAX_PARTICIPANTS } from "../../../src/whatsapp.js";
import { shapeDiff } from "./shape.js";

const ROOT = process.env.WAGROUPS_ENGINE_FIXTURES ?? "test/fixtures/engines";
const CREDS = { instance_id: "sandbox", access_token: "sandbox" };

interface Fixture {
  source: string;
  request: string;
  status: number;
  body: unknown;
}

/** What the client would send with this call (recordings keep the path, not the body). */
function bodyFor(name: string, method: string, p: string): unknown {
  const settingField: Record<string, string> = {
    "messages-admin-only": "adminsOnly",
    "info-admin-only": "adminsOnly",
    "member-add-mode": "membersCanAddNewMember",
    "membership-approval": "newMembersApprovalRequired",
  };
  const empty = name.includes("empty");
  if (method === "POST" && p === "/groups")
    return {
      // WhatsApp refuses a subject over 100 characters: the create fails inside the engine
      name: name.includes("error") ? `T-9 | ${"x".repeat(100)}` : "T-9 | Replay",
      participants: [{ id: "14155550199@c.us" }, { id: "14155550177@c.us" }],
    };
  if (p.endsWith("/participants/add"))
    return name.includes("full")
      ? { participants: [{ id: "14155550177@c.us" }] }
      : {
          participants: [{ id: "14155550177@c.us" }, { id: "14155550199@c.us" }, { id: "14155550104@c.us" }],
        };
  if (p.endsWith("/participants/remove"))
    return { participants: [{ id: "14155550104@c.us" }, { id: "14155550177@c.us" }] };
  // the recordings promote and demote a member
  if (/\/admin\/(promote|demote)$/.test(p)) return { participants: [{ id: "14155550104@c.us" }] };
  if (p.endsWith("/subject")) return { subject: empty ? "" : "PM-1042 | Replayed" };
  if (p.endsWith("/description")) return { description: empty ? "" : "Replayed. You can leave at any time." };
  const setting = /\/settings\/security\/([\w-]+)$/.exec(p)?.[1];
  if (setting && method === "PUT") return { [settingField[setting] ?? "adminsOnly"]: true };
  if (p.startsWith("/labels/chats/") && method === "PUT") return { labels: [{ id: "1" }] };
  if (p === "/labels" && method === "POST")
    return { name: name.includes("duplicate") ? "vip" : "gold", color: 3 };
  if (p === "/send/text") return { chatId: "14155550101@c.us", message: "hello" };
  return undefined;
}

/** The situation the recording was made in, on the seed. */
function situation(state: SandboxState, name: string, p: string): void {
  const g = state.groups.find((x) => p.startsWith(`/groups/${encodeURIComponent(x.id)}`));
  if (/forbidden|not-admin/.test(name) && g) {
    // the instance is a plain member of a group only admins may edit
    g.restrict = true;
    g.participants.find((x) => x.jid === state.self)!.role = "member";
  }
  if (name.includes("full") && g)
    for (let i = 0; g.participants.length < MAX_PARTICIPANTS; i++)
      g.participants.push({ jid: `4420${String(i).padStart(7, "0")}@c.us`, role: "member" });
  state.quirks = {
    ...(name.includes("old-server") ? { oldServer: true } : {}),
    ...(name.includes("store-disabled") ? { nowebStoreOff: true } : {}),
    ...(name.includes("participants-null") ? { participantsNull: true } : {}),
  };
}

function replay(engine: Engine, name: string, f: Fixture) {
  const [method, target = "/"] = f.request.split(" ") as [WawpRequest["method"], string];
  const url = new URL(target, "http://x");
  let p = url.pathname.replace(/^\/v2/, "");
  const query: Record<string, string> = { ...CREDS, ...Object.fromEntries(url.searchParams) };
  const state = seedState();
  situation(state, name, p);
  // the recording's fleet is not the seed: a lid the seed knows, and the seed's own last page
  if (name === "lid-known") p = `/lids/${encodeURIComponent(derivedLid("14155550103@c.us"))}`;
  if (name.endsWith("-empty") && p === "/groups")
    query.offset = String(
      state.groups.filter((g) => g.participants.some((x) => x.jid === state.self)).length,
    );
  const body = bodyFor(name, method, decodeURIComponent(p));
  const sandbox = new Sandbox(state, { engine, now: () => 1_767_225_600_000 });
  const out = sandbox.handle({ method, path: p, query, ...(body !== undefined ? { body } : {}) });
  if (out.kind !== "response") throw new Error(`${f.request} dropped`);
  // recordings write an empty body as null
  return { status: out.res.status, body: out.res.body === undefined ? null : out.res.body };
}

const LISTED = /^(group|groups-page-\d+|groups-sort-by-id-ignored)$/;
// a listing page (an array, or NOWEB's object keyed by group ID) or one group -> its groups
const groupsIn = (body: unknown): unknown[] => {
  if (Array.isArray(body)) return body;
  const keys = body && typeof body === "object" ? Object.keys(body) : [];
  return keys.length && keys.every((k) => k.endsWith("@g.us")) ? Object.values(body as object) : [body];
};
const keyed = (groups: unknown[]) => Object.fromEntries(groups.map((g, i) => [`${i}@g.us`, g]));

const recorded = (engine: Engine) => {
  const dir = path.join(ROOT, engine);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map(
      (f) =>
        [f.replace(/\.json$/, ""), JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Fixture] as const,
    );
};

describe("the same shape comparison the fixtures are held to", () => {
  it("finds a missing key, an extra key and a changed type, and ignores values and ID keys", () => {
    expect(shapeDiff({ a: 1, b: [{ c: "x" }] }, { a: 2, b: [{ c: "y" }] })).toEqual([]);
    expect(shapeDiff({ a: 1, b: null }, { a: 1, b: {} })).toEqual([
      "body.b: object where the engine sends null",
    ]);
    expect(shapeDiff({ a: 1 }, { b: 1 })).toEqual(["body.a: missing", "body.b: not sent by the engine"]);
    expect(shapeDiff({ "1@g.us": { id: "1@g.us" } }, { "2@g.us": { id: "2@g.us" } })).toEqual([]);
    expect(
      shapeDiff(
        [
          { Error: 0, AddRequest: null },
          { Error: 403, AddRequest: { Code: "x" } },
        ],
        [{ Error: 403, AddRequest: { Code: "y" } }],
      ),
    ).toEqual([]);
  });
});

for (const engine of ENGINES.filter((e) => e !== "wawp")) {
  const files = recorded(engine);
  if (files.length === 0) continue;
  describe(`${engine} persona answers like the recorded ${engine} engine`, () => {
    // every group the engine was recorded listing (with participants), whichever recording it is in
    const listed = files.filter(([n]) => LISTED.test(n)).flatMap(([, x]) => groupsIn(x.body));
    it.each(files)("%s", (name, f) => {
      const got = replay(engine, name, f);
      expect({ request: f.request, status: got.status }).toEqual({ request: f.request, status: f.status });
      const diff = !LISTED.test(name)
        ? shapeDiff(f.body, got.body)
        : name === "group"
          ? shapeDiff(listed, [got.body])
          : shapeDiff(Array.isArray(f.body) ? listed : keyed(listed), got.body);
      expect(diff.join("\n")).toBe("");
    });
  });
}
