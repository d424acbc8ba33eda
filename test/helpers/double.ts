// An independent Wawp double, written from wawp-api.md alone (NOWEB shapes), sharing no code with
// the sandbox: it keeps the product honest about what it assumes of a server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface DoubleGroup {
  id: string;
  subject: string;
  desc: string;
  owner: string; // digits@s.whatsapp.net
  creation: number;
  announce: boolean;
  restrict: boolean;
  memberAddMode: boolean;
  joinApprovalMode: boolean;
  participants: { id: string; admin: "admin" | "superadmin" | null }[];
}

export interface DoubleOptions {
  self: string; // digits
  groups: DoubleGroup[];
  privacy: string[]; // digits
  faults?: { errorEvery?: number; lostEvery?: number; rateEvery?: number };
}

export interface Double {
  baseUrl: string;
  env: Record<string, string>;
  groups: DoubleGroup[];
  writes: { method: string; path: string; status: number }[];
  texts: { chatId: string; message: string }[];
  close(): Promise<void>;
}

const sw = (d: string) => `${d}@s.whatsapp.net`;
const digits = (id: string) => id.split("@")[0]!;

export async function startDouble(opts: DoubleOptions): Promise<Double> {
  const groups = structuredClone(opts.groups);
  const writes: Double["writes"] = [];
  const texts: Double["texts"] = [];
  const messages = new Map<string, { id: string; timestamp: number; fromMe: boolean; body: string }[]>();
  let writeCount = 0;
  let next = 900;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let raw = "";
    for await (const c of req) raw += c;
    const body = raw ? JSON.parse(raw) : {};
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      if (req.method !== "GET") writes.push({ method: req.method!, path: url.pathname, status });
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(data));
    };
    if (
      url.searchParams.get("instance_id") !== "double" ||
      url.searchParams.get("access_token") !== "double-secret"
    )
      return send(401, { statusCode: 401, message: "Unauthorized" });
    const parts = url.pathname
      .replace(/^\/v2\/?/, "")
      .split("/")
      .map(decodeURIComponent);
    const m = req.method!;
    let lost = false;
    if (m !== "GET") {
      writeCount++;
      const f = opts.faults ?? {};
      if (f.errorEvery && writeCount % f.errorEvery === 0)
        return send(500, { statusCode: 500, message: "wawp_upstream_error" });
      if (f.rateEvery && writeCount % f.rateEvery === 0)
        return send(429, { message: "slow down" }, { "retry-after": "1" });
      if (f.lostEvery && writeCount % f.lostEvery === 0) lost = true;
    }
    const reply = (status: number, data: unknown) => {
      if (lost) {
        writes.push({ method: m, path: url.pathname, status: 0 });
        req.socket.destroy();
        return;
      }
      send(status, data);
    };
    const g = parts[0] === "groups" && parts[1] ? groups.find((x) => x.id === parts[1]) : undefined;
    const mine = (x: DoubleGroup) => x.participants.some((p) => p.id === sw(opts.self));
    const ids = (b: { participants?: { id: string }[] }) => (b.participants ?? []).map((p) => digits(p.id));
    if (parts[0] === "groups" && !parts[1] && m === "GET") {
      // a server that ignores limit and offset: the same full list on every page
      return send(
        200,
        Object.fromEntries(groups.filter(mine).map((x) => [x.id, { ...x, size: x.participants.length }])),
      );
    }
    if (parts[0] === "groups" && !parts[1] && m === "POST") {
      const id = `120363099${String(next++).padStart(9, "0")}@g.us`;
      const people = ids(body).filter((d) => !opts.privacy.includes(d));
      const ng: DoubleGroup = {
        id,
        subject: body.name,
        desc: "",
        owner: sw(opts.self),
        creation: Math.floor(Date.now() / 1000),
        announce: false,
        restrict: false,
        memberAddMode: true,
        joinApprovalMode: false,
        participants: [
          { id: sw(opts.self), admin: "superadmin" },
          ...people.map((d) => ({ id: sw(d), admin: null })),
        ],
      };
      groups.push(ng);
      return reply(201, ng);
    }
    if (g && !mine(g)) return send(403, { message: "not a participant" });
    if (g && parts[2] === "subject" && m === "PUT") {
      g.subject = body.subject;
      return reply(200, true);
    }
    if (g && parts[2] === "description" && m === "PUT") {
      g.desc = body.description;
      return reply(200, true);
    }
    if (g && parts[2] === "settings") {
      const key = parts[4];
      if (m === "PUT") {
        if (key === "messages-admin-only") g.announce = body.adminsOnly;
        if (key === "info-admin-only") g.restrict = body.adminsOnly;
        if (key === "member-add-mode") g.memberAddMode = body.membersCanAddNewMember;
        if (key === "membership-approval") g.joinApprovalMode = body.newMembersApprovalRequired;
        return reply(200, true);
      }
    }
    if (g && parts[2] === "participants" && parts[3] === "add") {
      const out = ids(body).map((d) => {
        if (g.participants.some((p) => p.id === sw(d))) return { jid: sw(d), status: "409" };
        if (opts.privacy.includes(d)) return { jid: sw(d), status: "403" };
        g.participants.push({ id: sw(d), admin: null });
        return { jid: sw(d), status: "200" };
      });
      return reply(200, out);
    }
    if (g && parts[2] === "participants" && parts[3] === "remove") {
      const who = ids(body);
      if (who.some((d) => sw(d) === g.owner)) return send(403, { message: "cannot remove the creator" });
      g.participants = g.participants.filter((p) => !who.includes(digits(p.id)));
      return reply(200, { status: 200 });
    }
    if (g && parts[2] === "admin") {
      const who = ids(body);
      if (parts[3] === "demote" && who.some((d) => sw(d) === g.owner))
        return send(403, { message: "cannot demote the creator" });
      for (const p of g.participants)
        if (who.includes(digits(p.id))) p.admin = parts[3] === "promote" ? "admin" : null;
      return reply(200, { ok: true });
    }
    if (g && parts[2] === "invite-code" && m === "GET") return send(200, `INV${digits(g.id).slice(-6)}`);
    if (g && parts[2] === "leave" && m === "POST") {
      g.participants = g.participants.filter((p) => p.id !== sw(opts.self));
      return reply(200, { success: true });
    }
    if (parts[0] === "groups" && parts[1] && !parts[2] && m === "DELETE")
      return reply(200, { success: true });
    if (parts[0] === "send" && parts[1] === "text" && m === "POST") {
      const list = messages.get(body.chatId) ?? [];
      list.push({
        id: `m${list.length}`,
        timestamp: Math.floor(Date.now() / 1000),
        fromMe: true,
        body: body.message,
      });
      messages.set(body.chatId, list);
      texts.push({ chatId: body.chatId, message: body.message });
      return reply(201, { id: "msg" });
    }
    if (parts[0] === "chats" && parts[2] === "messages" && m === "GET")
      return send(200, [...(messages.get(parts[1]!) ?? [])].reverse());
    return send(404, { statusCode: 404, message: `no route ${m} ${url.pathname}` });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
  return {
    baseUrl,
    env: { WAWP_BASE_URL: baseUrl, WAWP_INSTANCE_ID: "double", WAWP_ACCESS_TOKEN: "double-secret" },
    groups,
    writes,
    texts,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
