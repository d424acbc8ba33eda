// Each persona against the recorded engine responses in test/fixtures/engines/<engine>/: the same call,
// replayed on the seed, must answer with the same status and the same shape (keys and value types).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../../../src/sandbox/sandbox.js";
import { seedState } from "../../../src/sandbox/seed.js";
import { ENGINES, type Engine } from "../../../src/sandbox/state.js";
import type { WawpRequest } from "../../../src/wawp/transport.js";
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
    return { name: "T-9 | Replay", participants: [{ id: "14155550199@c.us" }, { id: "14155550177@c.us" }] };
  if (p.endsWith("/participants/add"))
    return {
      participants: [{ id: "14155550177@c.us" }, { id: "14155550199@c.us" }, { id: "14155550104@c.us" }],
    };
  if (/\/(participants\/remove|admin\/promote|admin\/demote)$/.test(p))
    return { participants: [{ id: "14155550104@c.us" }, { id: "14155550177@c.us" }] };
  if (p.endsWith("/subject")) return { subject: empty ? "" : "PM-1042 | Replayed" };
  if (p.endsWith("/description")) return { description: empty ? "" : "Replayed. You can leave at any time." };
  const setting = /\/settings\/security\/([\w-]+)$/.exec(p)?.[1];
  if (setting && method === "PUT") return { [settingField[setting] ?? "adminsOnly"]: true };
  if (p.startsWith("/labels/chats/") && method === "PUT") return { labels: [{ id: "1" }] };
  if (p === "/labels" && method === "POST") return { name: "gold", color: 3 };
  if (p === "/send/text") return { chatId: "14155550101@c.us", message: "hello" };
  return undefined;
}

function replay(engine: Engine, name: string, f: Fixture) {
  const [method, target = "/"] = f.request.split(" ") as [WawpRequest["method"], string];
  const url = new URL(target, "http://x");
  const p = url.pathname.replace(/^\/v2/, "");
  const query: Record<string, string> = { ...CREDS, ...Object.fromEntries(url.searchParams) };
  const body = bodyFor(name, method, decodeURIComponent(p));
  const sandbox = new Sandbox(seedState(), { engine, now: () => 1_767_225_600_000 });
  if (name.includes("forbidden"))
    // the recorded refusal: the instance is a plain member of a group only admins may edit
    sandbox.state.groups[0]!.participants[0]!.role = "member";
  const out = sandbox.handle({ method, path: p, query, ...(body !== undefined ? { body } : {}) });
  if (out.kind !== "response") throw new Error(`${f.request} dropped`);
  // recordings write an empty body as null
  return { status: out.res.status, body: out.res.body === undefined ? null : out.res.body };
}

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
    it.each(files)("%s", (name, f) => {
      const got = replay(engine, name, f);
      expect({ request: f.request, status: got.status }).toEqual({ request: f.request, status: f.status });
      expect(shapeDiff(f.body, got.body).join("\n")).toBe("");
    });
  });
}
