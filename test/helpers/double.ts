// An independent Wawp double, written from wawp-api.md alone, sharing no code with the sandbox: it
// answers the way a NOWEB (Baileys) engine behind WAHA/Wawp does ("What real engines send"), so it
// keeps the product honest about what it assumes of a real server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type DoubleLabel, EXCEPTION, labelStore } from "./double-labels.js";
import { reencode } from "./double-png.js";

export type { DoubleLabel } from "./double-labels.js";
export { makePng, reencode } from "./double-png.js";

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

export interface DoubleMessage {
  id: string;
  timestamp: number;
  fromMe: boolean;
  body: string;
}

export interface DoubleOptions {
  self: string; // digits
  groups: DoubleGroup[];
  privacy: string[]; // digits
  /** the number's labels; `false`: not a Business number with the NOWEB store, labels answer 400 */
  labels?: DoubleLabel[] | false;
  /** chat id -> label ids on it */
  chatLabels?: Record<string, string[]>;
  /** group id -> the picture's bytes as the engine stores them */
  pictures?: Record<string, Uint8Array>;
  /** chat id -> messages already in it (the person's own, or ours from an earlier run) */
  messages?: Record<string, DoubleMessage[]>;
  /** the most groups one listing page holds, whatever `limit` asks (WAHA caps pages) */
  pageCap?: number;
  /** an older Baileys: the listing lacks memberAddMode and joinApprovalMode */
  legacyListing?: boolean;
  /** an older WAHA: the member-add-mode and membership-approval routes do not exist */
  oldSettingsRoutes?: boolean;
  /** failText: a message whose text contains this answers 500 and is not sent (a run that dies there) */
  faults?: { errorEvery?: number; lostEvery?: number; rateEvery?: number; failText?: string };
}

export interface DoubleRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

export interface Double {
  baseUrl: string;
  env: Record<string, string>;
  groups: DoubleGroup[];
  /** every non-GET request with the status it got (0: the reply was lost) */
  writes: { method: string; path: string; status: number }[];
  /** every request, reads included, with its query and body */
  requests: DoubleRequest[];
  texts: { chatId: string; message: string }[];
  labels: DoubleLabel[];
  chatLabels: Map<string, string[]>;
  /** group id -> the bytes the engine keeps (re-encoded, never the uploaded ones) */
  pictures: Map<string, Uint8Array>;
  /** group id -> the bytes last uploaded */
  uploads: Map<string, Uint8Array>;
  close(): Promise<void>;
}

const sw = (d: string) => `${d}@s.whatsapp.net`;
const cus = (id: string) => `${digits(id)}@c.us`;
const digits = (id: string) => id.split("@")[0]!;
const now = () => Math.floor(Date.now() / 1000);
const NOT_IMPLEMENTED = {
  statusCode: 422,
  message: "The method is not implemented by the engine.",
  error: "Unprocessable Entity",
};
const CANNOT = (m: string, p: string) => ({
  message: `Cannot ${m} ${p}`,
  error: "Not Found",
  statusCode: 404,
});

export async function startDouble(opts: DoubleOptions): Promise<Double> {
  const groups = structuredClone(opts.groups);
  const writes: Double["writes"] = [];
  const requests: DoubleRequest[] = [];
  const texts: Double["texts"] = [];
  const store = labelStore(opts.labels, opts.chatLabels);
  const pictures = new Map(Object.entries(opts.pictures ?? {}));
  const uploads = new Map<string, Uint8Array>();
  const files = new Map<string, Uint8Array>();
  const pictureCache = new Map<string, string | null>();
  const messages = new Map(Object.entries(structuredClone(opts.messages ?? {})));
  let writeCount = 0;
  let next = 900;
  let origin = "";

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    const m = req.method ?? "GET";
    let raw = "";
    for await (const c of req) raw += c;
    const query = Object.fromEntries(url.searchParams);
    let body: Record<string, unknown> = {};
    const logged: DoubleRequest = { method: m, path: url.pathname, query, body: raw, status: 0 };
    requests.push(logged);
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      logged.status = status;
      if (m !== "GET") writes.push({ method: m, path: url.pathname, status });
      // NOWEB calls that return nothing reach the client as an empty body
      res.writeHead(
        status,
        data === undefined ? headers : { "content-type": "application/json", ...headers },
      );
      res.end(data === undefined ? "" : JSON.stringify(data));
    };
    if (url.pathname.startsWith("/files/") && m === "GET") {
      // picture files are plain downloads: no credentials, as a CDN serves them
      const bytes = files.get(url.pathname);
      logged.status = bytes ? 200 : 404;
      res.writeHead(bytes ? 200 : 404, { "content-type": "image/png" });
      return res.end(bytes ? Buffer.from(bytes) : "");
    }
    try {
      body = raw ? JSON.parse(raw) : {};
      logged.body = body;
    } catch {
      return send(400, { statusCode: 400, message: "Unexpected token in JSON", error: "Bad Request" });
    }
    if (query.instance_id !== "double" || query.access_token !== "double-secret")
      return send(401, { statusCode: 401, message: "Unauthorized" });
    if (!url.pathname.startsWith("/v2/")) return send(404, CANNOT(m, url.pathname));
    const parts = url.pathname.slice(4).split("/").map(decodeURIComponent);
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
      if (!lost) return send(status, data);
      logged.status = 0;
      writes.push({ method: m, path: url.pathname, status: 0 });
      req.socket.destroy();
    };
    const cannot = () => send(404, CANNOT(m, url.pathname));
    const mine = (x: DoubleGroup) => x.participants.some((p) => p.id === sw(opts.self));
    const who = () =>
      ((body.participants as { id?: string }[] | undefined) ?? []).map((p) => digits(String(p.id ?? "")));

    if (parts[0] === "groups") {
      const [, id, sub, a] = parts;
      if (!id) {
        if (m === "GET") return listGroups(query, send);
        if (m === "POST") return reply(201, createGroup(body));
        return cannot();
      }
      // NOWEB throws NotImplementedByEngineError before it looks at the group at all
      if (!sub && m === "DELETE") return send(422, NOT_IMPLEMENTED);
      if (id === "count" && m === "GET") return send(200, { count: groups.filter(mine).length });
      const g = groups.find((x) => x.id === id && mine(x));
      if (!sub && m === "GET") return send(200, g ? nowebGroup(g) : undefined); // NOWEB: groups[id]
      if (!g) return send(500, EXCEPTION("item-not-found"));
      const admin = g.participants.find((p) => p.id === sw(opts.self))?.admin;
      if (sub === "participants" && m === "GET" && !a) return send(200, g.participants);
      if (sub === "participants" && m === "GET" && a === "v2")
        return send(
          200,
          g.participants.map((p) => ({ id: cus(p.id), pn: cus(p.id), role: p.admin ?? "participant" })),
        );
      if (sub === "picture" && m === "GET") {
        // WAHA caches the picture URL for 24 h; only ?refresh=true asks WhatsApp again
        if (query.refresh === "true" || !pictureCache.has(g.id)) pictureCache.set(g.id, pictureUrl(g.id));
        return send(200, { url: pictureCache.get(g.id) ?? null });
      }
      if (sub === "invite-code" && m === "GET") return send(200, `INV${digits(g.id).slice(-6)}`);
      if (sub === "settings" && parts[3] === "security") return setting(g, parts[4] ?? "", admin);
      if (sub === "leave" && m === "POST") {
        g.participants = g.participants.filter((p) => p.id !== sw(opts.self));
        return reply(201, undefined);
      }
      if (m !== "GET" && !admin) return send(500, EXCEPTION("not-authorized"));
      if (sub === "subject" && m === "PUT") {
        g.subject = String(body.subject ?? "");
        return reply(200, undefined);
      }
      if (sub === "description" && m === "PUT") {
        g.desc = String(body.description ?? "");
        return reply(200, undefined);
      }
      if (sub === "picture" && m === "PUT") {
        const file = body.file as { data?: string } | undefined;
        if (!file?.data) return send(400, { statusCode: 400, message: "file.data is required" });
        const uploaded = new Uint8Array(Buffer.from(file.data, "base64"));
        uploads.set(g.id, uploaded);
        pictures.set(g.id, reencode(uploaded));
        return reply(200, { success: true });
      }
      if (sub === "picture" && m === "DELETE") {
        pictures.delete(g.id);
        return reply(200, { success: true });
      }
      if (sub === "participants" && a === "add" && m === "POST")
        return reply(
          201,
          who().map((d) => {
            if (g.participants.some((p) => p.id === sw(d))) return { status: "409", jid: sw(d) };
            if (opts.privacy.includes(d))
              return { status: "403", jid: sw(d), content: { tag: "participant", attrs: { error: "403" } } };
            g.participants.push({ id: sw(d), admin: null });
            return { status: "200", jid: sw(d) };
          }),
        );
      if (sub === "participants" && a === "remove" && m === "POST")
        return reply(
          201,
          who().map((d) => {
            const i = g.participants.findIndex((p) => p.id === sw(d));
            if (i < 0) return { status: "404", jid: sw(d) };
            if (sw(d) === g.owner) return { status: "406", jid: sw(d) };
            g.participants.splice(i, 1);
            return { status: "200", jid: sw(d) };
          }),
        );
      if (sub === "admin" && (a === "promote" || a === "demote") && m === "POST")
        return reply(
          201,
          who().map((d) => {
            const p = g.participants.find((x) => x.id === sw(d));
            if (!p) return { status: "404", jid: sw(d) };
            if (a === "demote" && sw(d) === g.owner) return { status: "406", jid: sw(d) };
            p.admin = a === "promote" ? "admin" : null;
            return { status: "200", jid: sw(d) };
          }),
        );
      return cannot();
    }
    if (parts[0] === "labels") return store.route(m, parts, body, send, cannot);
    if (parts[0] === "send" && parts[1] === "text" && m === "POST") {
      const chatId = String(body.chatId ?? "");
      const message = String(body.message ?? "");
      if (opts.faults?.failText && message.includes(opts.faults.failText))
        return send(500, { statusCode: 500, message: "wawp_upstream_error" });
      const list = messages.get(chatId) ?? [];
      const sent = { id: `true_${chatId}_3EB0${next++}`, timestamp: now(), fromMe: true, body: message };
      list.push(sent);
      messages.set(chatId, list);
      texts.push({ chatId, message });
      return reply(201, {
        key: { remoteJid: chatId, fromMe: true, id: sent.id },
        messageTimestamp: sent.timestamp,
      });
    }
    if (parts[0] === "chats" && parts[2] === "messages" && m === "GET") {
      // newest first, narrowed by filter.fromMe and filter.timestamp.gte, then limited
      let list = [...(messages.get(parts[1]!) ?? [])].sort((x, y) => y.timestamp - x.timestamp);
      if (query["filter.fromMe"] !== undefined)
        list = list.filter((x) => x.fromMe === (query["filter.fromMe"] === "true"));
      const gte = Number(query["filter.timestamp.gte"]);
      if (query["filter.timestamp.gte"] !== undefined && Number.isFinite(gte))
        list = list.filter((x) => x.timestamp >= gte);
      const limit = Number(query.limit ?? 10);
      return send(200, list.slice(0, Number.isFinite(limit) && limit > 0 ? limit : 10));
    }
    return cannot();

    function setting(g: DoubleGroup, key: string, admin: string | null | undefined) {
      const fields: Record<string, [keyof DoubleGroup, string]> = {
        "messages-admin-only": ["announce", "adminsOnly"],
        "info-admin-only": ["restrict", "adminsOnly"],
        "member-add-mode": ["memberAddMode", "membersCanAddNewMember"],
        "membership-approval": ["joinApprovalMode", "newMembersApprovalRequired"],
      };
      const f = fields[key];
      const recent = key === "member-add-mode" || key === "membership-approval";
      if (!f || (recent && opts.oldSettingsRoutes) || (m !== "GET" && m !== "PUT")) return cannot();
      const [field, prop] = f;
      if (m === "GET") return send(200, { [prop]: g[field] });
      if (!admin) return send(500, EXCEPTION("not-authorized"));
      if (typeof body[prop] !== "boolean")
        return send(400, { statusCode: 400, message: [`${prop} must be a boolean value`] });
      (g as unknown as Record<string, boolean>)[field] = body[prop] as boolean;
      return reply(200, undefined);
    }
  };

  function listGroups(query: Record<string, string>, send: (s: number, d: unknown) => void) {
    const all = groups.filter((x) => x.participants.some((p) => p.id === sw(opts.self)));
    all.sort((x, y) => (x.id < y.id ? -1 : 1));
    if (query.sortOrder === "desc") all.reverse();
    const offset = Number(query.offset ?? 0) || 0;
    const asked = Number(query.limit ?? all.length) || all.length;
    const page = all.slice(offset, offset + Math.min(asked, opts.pageCap ?? Number.POSITIVE_INFINITY));
    const omit = query.exclude === "participants";
    send(200, Object.fromEntries(page.map((g) => [g.id, nowebGroup(g, omit)])));
  }

  function nowebGroup(g: DoubleGroup, omitParticipants = false) {
    const out: Record<string, unknown> = {
      id: g.id,
      subject: g.subject,
      subjectOwner: g.owner,
      creation: g.creation,
      owner: g.owner,
      desc: g.desc || undefined,
      restrict: g.restrict,
      announce: g.announce,
      memberAddMode: g.memberAddMode,
      joinApprovalMode: g.joinApprovalMode,
      addressingMode: "pn",
      size: g.participants.length,
      participants: g.participants,
    };
    if (opts.legacyListing) {
      delete out.memberAddMode;
      delete out.joinApprovalMode;
    }
    if (omitParticipants) delete out.participants;
    return out;
  }

  function createGroup(body: Record<string, unknown>) {
    const id = `120363099${String(next++).padStart(9, "0")}@g.us`;
    const asked = ((body.participants as { id?: string }[] | undefined) ?? []).map((p) =>
      digits(String(p.id ?? "")),
    );
    const g: DoubleGroup = {
      id,
      subject: String(body.name ?? ""),
      desc: "",
      owner: sw(opts.self),
      creation: now(),
      announce: false,
      restrict: false,
      memberAddMode: true,
      joinApprovalMode: false,
      participants: [
        { id: sw(opts.self), admin: "superadmin" },
        ...asked.filter((d) => !opts.privacy.includes(d)).map((d) => ({ id: sw(d), admin: null })),
      ],
    };
    groups.push(g);
    return nowebGroup(g);
  }

  function pictureUrl(groupId: string): string | null {
    const bytes = pictures.get(groupId);
    if (!bytes) return null;
    const path = `/files/${digits(groupId)}-${next++}.png`;
    files.set(path, bytes);
    return `${origin}${path}`;
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify(EXCEPTION(String((e as Error).message))));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrl = `${origin}/v2`;
  return {
    baseUrl,
    env: { WAWP_BASE_URL: baseUrl, WAWP_INSTANCE_ID: "double", WAWP_ACCESS_TOKEN: "double-secret" },
    groups,
    writes,
    requests,
    texts,
    labels: store.labels,
    chatLabels: store.chatLabels,
    pictures,
    uploads,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
