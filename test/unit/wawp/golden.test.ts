// Golden tests: every recorded engine answer in test/fixtures/engines/<engine>/*.json (sources in that
// folder's README) is served by a fake Transport to the real WawpClient, and what the client makes of it
// must equal the file's `expect`, the normalized value. One test per file, found by listing the folders:
// a new fixture is covered without a new line here, and a file no client call can take fails by name.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors.js";
import type { AddOutcome, LiveGroup, LiveLabel } from "../../../src/live/types.js";
import type { SettingKey } from "../../../src/manifest/types.js";
import { WawpClient } from "../../../src/wawp/client.js";
import { normalizeGroup } from "../../../src/wawp/normalize.js";
import { readBody, type WawpRequest } from "../../../src/wawp/transport.js";
import { LABEL_PALETTE as LABEL_COLORS } from "../../../src/whatsapp.js";
import { fakeTransport, type Reply } from "../../helpers/fake-transport.js";

const ROOT = fileURLToPath(new URL("../../fixtures/engines/", import.meta.url));

interface Fixture {
  /** `<engine>/<file>`, the test's name */
  name: string;
  engine: string;
  file: string;
  method: WawpRequest["method"];
  path: string;
  query: URLSearchParams;
  status: number;
  body: unknown;
  expect: unknown;
}

/** One fixture file, checked: a malformed one is a one-line error naming the file and the field. */
function load(engine: string, file: string): Fixture {
  const where = `test/fixtures/engines/${engine}/${file}`;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(`${ROOT}${engine}/${file}`, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${where}: not JSON (${(e as Error).message})`);
  }
  if (typeof raw.source !== "string" || !raw.source.trim()) throw new Error(`${where}: no "source"`);
  const m = /^(GET|POST|PUT|DELETE) (\/[^?\s]*)(?:\?(\S*))?$/.exec(String(raw.request));
  if (!m) throw new Error(`${where}: "request" is not "<METHOD> /path[?query]": ${String(raw.request)}`);
  if (!Number.isInteger(raw.status)) throw new Error(`${where}: "status" is not an HTTP status`);
  if (!("body" in raw)) throw new Error(`${where}: no "body" (null means an empty body)`);
  if (!("expect" in raw)) throw new Error(`${where}: no "expect"`);
  return {
    name: `${engine}/${file}`,
    engine,
    file,
    method: m[1] as WawpRequest["method"],
    path: m[2]!,
    query: new URLSearchParams(m[3] ?? ""),
    status: raw.status as number,
    body: raw.body,
    expect: raw.expect,
  };
}

const ENGINES = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const FIXTURES = new Map(
  ENGINES.map((engine) => [
    engine,
    readdirSync(`${ROOT}${engine}`)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => load(engine, f)),
  ]),
);

/**
 * Mismatches that are product bugs, not fixture mistakes: the test stays red until the product is
 * fixed, and says why in its failure.
 */
// a fixture whose expect the product does not meet yet names the bug here, so its failure says why
const PRODUCT_BUGS: Record<string, string> = {};

/** What the wire would hand the client: the body as bytes, read by the real transport's reader. */
function wire(status: number, body: unknown): Reply {
  const bytes = Buffer.from(body === null ? "" : JSON.stringify(body));
  return [status, readBody("golden", { status, headers: { "content-type": "application/json" }, bytes })];
}

const key = (method: string, path: string) => `${method} ${path}`;

/**
 * A fake server answering the fixture's own request, `extra` routes, and every privacy-ID look-up
 * with "no number known" (the server knows no more than the bodies carry, so an `expect` depends on its
 * file alone). Anything else is Nest's 404 for a missing route.
 */
function server(fx: Fixture, extra: Record<string, Reply> = {}, groups?: (q: URLSearchParams) => Reply) {
  const routes: Record<string, Reply> = { [key(fx.method, fx.path)]: wire(fx.status, fx.body), ...extra };
  return fakeTransport((req) => {
    const q = new URLSearchParams(
      Object.entries(req.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
    );
    if (groups && req.method === "GET" && req.path === "/groups") return groups(q);
    const hit = routes[key(req.method, req.path)];
    if (hit) return hit;
    if (req.method === "GET" && req.path.startsWith("/lids/")) {
      const lid = decodeURIComponent(req.path.slice("/lids/".length));
      return wire(200, { lid, pn: null });
    }
    return undefined;
  });
}

const client = (t: ReturnType<typeof fakeTransport>, pageSize?: number) =>
  new WawpClient(t.transport, {
    sleep: async () => {},
    random: () => 0.5,
    ...(pageSize ? { pageSize } : {}),
  });

/** The group as `expect` spells it: the reader's later additions (size, picture, labels) left out. */
function bare(g: LiveGroup) {
  const { size: _size, picture: _picture, labels: _labels, ...rest } = g;
  return rest;
}

/** `color` is the palette index and `colorHex` is derived from it: checked here, then left out. */
function bareLabel(l: LiveLabel) {
  if (l.color !== undefined) expect(l.colorHex).toBe(LABEL_COLORS[l.color]);
  const { colorHex: _hex, ...rest } = l;
  return rest;
}

const isErrorExpect = (x: unknown): x is { status: number; message: string } =>
  typeof x === "object" &&
  x !== null &&
  Object.keys(x).sort().join() === "message,status" &&
  typeof (x as { message: unknown }).message === "string";

const fixture = (engine: string, file: string) => FIXTURES.get(engine)?.find((f) => f.file === file);

/**
 * The engine's recorded pages as one server: the fixture under test is served where the client asks
 * for its offset; other requests get the first recorded page at or after the offset asked (the pages
 * were recorded as offset += limit, the client moves by the items it received); past them, the empty page.
 */
function listing(fx: Fixture, opts: { only?: number } = {}) {
  const pages = (FIXTURES.get(fx.engine) ?? [])
    .filter((f) => /^groups-page-\d/.test(f.file))
    .sort((a, b) => Number(a.query.get("offset")) - Number(b.query.get("offset")));
  const empty = pages.find((p) => /empty/.test(p.file));
  const count = fixture(fx.engine, "groups-count.json");
  if (!empty || !count)
    throw new Error(`test/fixtures/engines/${fx.engine}: no empty page or no groups-count`);
  const own = fx.path === "/groups" ? Number(fx.query.get("offset")) : undefined;
  const served: number[] = [];
  let answered = 0;
  const t = server(fx, { [key("GET", "/groups/count")]: wire(count.status, count.body) }, (q) => {
    const offset = Number(q.get("offset") ?? 0);
    answered++;
    if (opts.only !== undefined && answered > opts.only) return wire(empty.status, empty.body);
    if (offset === own) {
      served.push(offset);
      return wire(fx.status, fx.body);
    }
    const page = pages.find((p) => Number(p.query.get("offset")) >= offset) ?? empty;
    if (page === fx) served.push(offset);
    return wire(page.status, page.body);
  });
  return { t, served, pageSize: own === undefined ? Number(pages[0]?.query.get("limit")) : undefined };
}

const SETTING_BY_PATH: Record<string, SettingKey> = {
  "messages-admin-only": "sendMessages",
  "info-admin-only": "editInfo",
  "member-add-mode": "addMembers",
  "membership-approval": "approveJoins",
};

/** A write that answers nothing: `{ok: true}`, or `{ok: false}` when the client reads a refusal (a 2xx 403). */
async function ok(fx: Fixture, write: () => Promise<unknown>) {
  try {
    await write();
    return { ok: true };
  } catch (e) {
    if (e instanceof ApiError && e.status === 403 && fx.status < 300) return { ok: false };
    throw e;
  }
}

/** The people a per-person call asks about: the ones `expect` answers for, or a member of the fixtures. */
const askedIn = (x: unknown, list: "self" | "results" | "outcomes") => {
  const rows = list === "self" ? x : (x as Record<string, unknown> | null)?.[list];
  return Array.isArray(rows) ? rows.map((o) => (o as AddOutcome).jid) : ["14155550102@c.us"];
};

/**
 * A server without participants/v2: the client reads /participants instead (the engine's recorded
 * one), once learnt for the rest of the run; the 404 itself, asked directly, is what `expect` says.
 */
async function oldServer(fx: Fixture): Promise<unknown> {
  const v1 = fixture(fx.engine, "participants.json");
  if (!v1) throw new Error(`test/fixtures/engines/${fx.engine}: no participants.json to fall back to`);
  const t = server(fx, { [key(v1.method, v1.path)]: wire(v1.status, v1.body) });
  const c = client(t);
  const group = decodeURIComponent(fx.path.split("/")[2] ?? "");
  expect((await c.readParticipants(group)).participants).toEqual(v1.expect);
  await c.readParticipants(group);
  expect(t.seen(fx.method, fx.path)).toBe(1);
  return c.call("get participants", { method: fx.method, path: fx.path }, true);
}

/** Drives the client call the fixture's request belongs to; the value returned is compared with `expect`. */
async function drive(fx: Fixture): Promise<unknown> {
  const { method, path } = fx;
  const id = (i: number) => decodeURIComponent(path.split("/")[i] ?? "");
  const seg = path.split("/");
  if (method === "GET" && path === "/groups/count") {
    const full = listing(fx);
    const all = await client(full.t, full.pageSize).listGroups();
    // the count decides completeness: withhold every page after the first and the listing must fail naming it
    const short = listing(fx, { only: 1 });
    await expect(client(short.t, short.pageSize).listGroups()).rejects.toThrow(
      `but the server counts ${String(fx.expect)} `,
    );
    return all.length;
  }
  if (method === "GET" && path === "/groups") {
    const limit = Number(fx.query.get("limit"));
    const l = listing(fx);
    const groups = await client(l.t, limit).listGroups();
    expect(l.served, "the listing never asked for this page").not.toEqual([]);
    // listed in the server's order with no repeats: this page's groups sit at the offset it was served at
    const at = l.served[0]!;
    return groups.slice(at, at + limit).map(bare);
  }
  if (seg[1] === "groups" && seg[3] === "participants" && method === "GET") {
    if (fx.status === 404 && seg[4] === "v2") return oldServer(fx);
    const t = server(fx);
    const read = await client(t).readParticipants(id(2));
    return read.participants;
  }
  if (seg[1] === "groups" && seg[3] === "settings" && seg[4] === "security") {
    const setting = SETTING_BY_PATH[seg[5] ?? ""];
    if (!setting) throw new Error(`${fx.name}: no setting is read at ${path}`);
    const c = client(server(fx));
    if (method === "GET") return { [setting]: await c.getSetting(id(2), setting) };
    return ok(fx, () => c.setSetting(id(2), setting, setting === "approveJoins" ? true : "admins"));
  }
  if (method === "GET" && seg[1] === "groups" && seg[3] === "picture")
    return client(server(fx)).getPicture(id(2));
  if (method === "GET" && seg[1] === "groups" && seg.length === 3) {
    // the client has no one-group read: the caller fetches, the listing's normalizer reads it
    const body = await client(server(fx)).call("get group", { method, path }, true);
    return bare(normalizeGroup(body));
  }
  if (method === "POST" && path === "/groups") {
    const x = fx.expect as { group?: LiveGroup } | null;
    return client(server(fx)).createGroup(x?.group?.subject ?? "PM-9 | Iota", askedIn(fx.expect, "outcomes"));
  }
  if (method === "DELETE" && seg[1] === "groups") return ok(fx, () => client(server(fx)).deleteGroup(id(2)));
  if (method === "PUT" && seg[1] === "groups" && seg[3] === "subject")
    return ok(fx, () => client(server(fx)).setSubject(id(2), "PM-1 | Alpha"));
  if (method === "PUT" && seg[1] === "groups" && seg[3] === "description")
    return ok(fx, () => client(server(fx)).setDescription(id(2), "Cohort 1 of the PM course."));
  const people = {
    add: "addParticipants",
    remove: "removeParticipants",
    promote: "promote",
    demote: "demote",
  } as const;
  const call = method === "POST" && seg[1] === "groups" ? people[seg[4] as keyof typeof people] : undefined;
  if (call) {
    const c = client(server(fx));
    if (call === "addParticipants") return c.addParticipants(id(2), askedIn(fx.expect, "self"));
    let outcomes: AddOutcome[] = [];
    const whole = await ok(fx, async () => {
      outcomes = await c[call](id(2), askedIn(fx.expect, "results"));
    });
    // `results` is the per-person detail an engine gave; the client answers per person either way
    return whole.ok && fx.expect && typeof fx.expect === "object" && "results" in fx.expect
      ? { ...whole, results: outcomes }
      : whole;
  }
  if (method === "GET" && seg[1] === "lids") {
    // a member named only by the privacy ID: the client looks its number up while reading the group
    const lid = id(2);
    const t = server(fx, {
      [key("GET", "/groups/120363025550000001%40g.us/participants/v2")]: wire(200, [
        { id: lid, role: "participant" },
      ]),
    });
    const [p] = (await client(t).readParticipants("120363025550000001@g.us")).participants;
    expect(p?.lid).toBe(lid);
    return { lid: p?.lid, pn: p && p.jid !== lid ? p.jid : null };
  }
  if (method === "GET" && seg[1] === "chats" && seg[3] === "messages")
    return client(server(fx)).recentMessages(id(2), Number(fx.query.get("limit")));
  if (path === "/labels" && method === "GET") return (await client(server(fx)).listLabels()).map(bareLabel);
  if (seg[1] === "labels" && seg[2] === "chats" && method === "GET")
    return (await client(server(fx)).chatLabels(id(3))).map(bareLabel);
  if (path === "/labels" && method === "POST") {
    const x = fx.expect as { name?: string; color?: number };
    return bareLabel(await client(server(fx)).createLabel(x.name ?? "PM cohort", x.color ?? 5));
  }
  throw new Error(`${fx.name}: no client call takes ${method} ${path}`);
}

/** The fixture's answer mapped by the client, or the ApiError it raised as `{status, message}`. */
async function actual(fx: Fixture): Promise<unknown> {
  try {
    return await drive(fx);
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, message: e.message };
    throw e;
  }
}

for (const engine of ENGINES)
  describe(`golden: ${engine}`, () => {
    for (const fx of FIXTURES.get(engine) ?? [])
      it(fx.name, async () => {
        const got = await actual(fx);
        const bug = PRODUCT_BUGS[fx.name];
        const why = bug ? `PRODUCT BUG (fix the product, not the fixture): ${bug}` : undefined;
        if (isErrorExpect(fx.expect))
          // the user reads the engine's reason inside the client's "<operation>: HTTP <status>: …" line
          expect(got, why).toEqual({
            status: fx.expect.status,
            message: expect.stringContaining(fx.expect.message),
          });
        else expect(got, why).toEqual(fx.expect);
      });
  });

it("covers every engine folder and file", () => {
  expect(ENGINES).toEqual(["gows", "noweb", "noweb-lid", "webjs", "zapo"]);
  expect([...FIXTURES.values()].flat().length).toBeGreaterThan(150);
});
