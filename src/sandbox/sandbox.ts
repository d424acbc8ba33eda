// The Wawp-compatible simulator: WhatsApp's group rules over an in-memory state, answering the same
// requests as the real API in the shape of the engine it plays.
import { createHash, randomBytes } from "node:crypto";
import { personJid } from "../jid.js";
import type { Role } from "../live/types.js";
import type { WawpRequest, WawpResponse } from "../wawp/transport.js";
import { MAX_DESCRIPTION, MAX_MESSAGE, MAX_PARTICIPANTS } from "../whatsapp.js";
import { FaultInjector, type FaultSpec, NO_FAULTS } from "./faults.js";
import type { SandboxState, SbGroup } from "./state.js";

export interface LogEntry {
  at: number;
  method: string;
  path: string;
  status: number;
  write: boolean;
  fault?: string;
  body?: unknown;
}

export interface SandboxOptions {
  instanceId?: string;
  token?: string;
  faults?: FaultSpec;
  now?: () => number;
  /** how picture URLs start: the server's base URL, or "sandbox:" in-process */
  fileBase?: string;
}

export type Outcome =
  | { kind: "response"; res: WawpResponse; delayMs: number }
  | { kind: "drop"; delayMs: number };

class HttpFail extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const fail = (status: number, message: string): never => {
  throw new HttpFail(status, message);
};

export class Sandbox {
  readonly log: LogEntry[] = [];
  readonly instanceId: string;
  readonly token: string;
  faults: FaultInjector;
  fileBase: string;
  private readonly now: () => number;
  private recentWrites: number[] = [];
  /** set after every change, for the owner to persist */
  dirty = false;

  constructor(
    public state: SandboxState,
    opts: SandboxOptions = {},
  ) {
    this.instanceId = opts.instanceId ?? "sandbox";
    this.token = opts.token ?? "sandbox";
    this.faults = new FaultInjector(opts.faults ?? NO_FAULTS);
    this.now = opts.now ?? Date.now;
    this.fileBase = opts.fileBase ?? "sandbox:";
  }

  get self(): string {
    return this.state.self;
  }

  /** Handle one request as the server would, faults included. */
  handle(req: WawpRequest): Outcome {
    const write = req.method !== "GET";
    const entry: LogEntry = { at: this.now(), method: req.method, path: req.path, status: 0, write };
    if (write && req.body !== undefined) entry.body = req.body;
    this.log.push(entry);
    const respond = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
      delayMs = 0,
    ): Outcome => {
      entry.status = status;
      return { kind: "response", res: { status, headers, body }, delayMs };
    };
    if (req.path.startsWith("/files/")) return this.file(req.path, respond);
    const q = req.query ?? {};
    if (q.instance_id !== this.instanceId || q.access_token !== this.token)
      return respond(401, {
        statusCode: 401,
        message: "invalid instance_id or access_token",
        error: "Unauthorized",
      });

    const decision = this.faults.decide(write, `${req.path} ${JSON.stringify(req.body ?? "")}`);
    const { delayMs } = decision;
    if (decision.kind !== "none") entry.fault = decision.kind;
    if (decision.kind === "error")
      return respond(
        500,
        { statusCode: 500, message: "upstream error (injected)", error: "wawp_upstream_error" },
        {},
        delayMs,
      );
    if (decision.kind === "429")
      return respond(
        429,
        { statusCode: 429, message: "rate limited (injected)" },
        { "retry-after": String(this.faults.spec.retryAfter) },
        delayMs,
      );
    if (decision.kind === "drop") {
      entry.status = 0;
      return { kind: "drop", delayMs };
    }
    if (write && this.faults.spec.rateLimit > 0) {
      const t = this.now();
      this.recentWrites = this.recentWrites.filter((w) => t - w < 60_000);
      if (this.recentWrites.length >= this.faults.spec.rateLimit) {
        const wait = Math.ceil((60_000 - (t - this.recentWrites[0]!)) / 1000);
        return respond(
          429,
          { statusCode: 429, message: "group_req_per_minute exceeded" },
          { "retry-after": String(wait) },
          delayMs,
        );
      }
      this.recentWrites.push(t);
    }
    let out: Outcome;
    try {
      const [status, body] = this.route(req);
      if (write && status < 300) this.dirty = true;
      out = respond(status, body, {}, delayMs);
    } catch (e) {
      if (!(e instanceof HttpFail)) throw e;
      const error = e.status === 404 ? "Not Found" : e.status === 403 ? "Forbidden" : "Bad Request";
      out = respond(e.status, { statusCode: e.status, message: e.message, error }, {}, delayMs);
    }
    if (decision.kind === "lost") {
      // the change is made; the answer never arrives
      entry.fault = "lost";
      return { kind: "drop", delayMs };
    }
    return out;
  }

  private file(
    path: string,
    respond: (s: number, b: unknown, h?: Record<string, string>) => Outcome,
  ): Outcome {
    const sha = path.slice("/files/".length).replace(/\.\w+$/, "");
    const f = this.state.files[sha];
    if (!f) return respond(404, "no such file");
    return respond(200, { __file: f.data, mimetype: f.mimetype }, { "content-type": f.mimetype });
  }

  private route(req: WawpRequest): [number, unknown] {
    const parts = req.path.split("/").filter(Boolean).map(decodeURIComponent);
    const m = req.method;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const [a, b, c, d, e] = parts;
    if (a === "groups") {
      if (!b) {
        if (m === "GET") return [200, this.listGroups(req.query ?? {})];
        if (m === "POST") return [201, this.create(body)];
      } else {
        const g = this.group(b);
        if (!c) {
          if (m === "GET") return [200, this.render(g)];
          if (m === "DELETE") return [200, this.deleteGroup(g)];
        }
        if (c === "participants" && !d && m === "GET") return [200, this.participantsOf(g)];
        if (c === "participants" && d === "add" && m === "POST") return [200, this.add(g, body)];
        if (c === "participants" && d === "remove" && m === "POST") return [200, this.remove(g, body)];
        if (c === "admin" && (d === "promote" || d === "demote") && m === "POST")
          return [200, this.setRole(g, body, d)];
        if (c === "subject" && m === "PUT") return [200, this.setSubject(g, body)];
        if (c === "description" && m === "PUT") return [200, this.setDescription(g, body)];
        if (c === "picture") return [200, this.picture(g, m, body)];
        if (c === "settings" && d === "security" && e) return [200, this.setting(g, e, m, body)];
        if (c === "invite-code" && !d && m === "GET") return [200, this.visible(g).inviteCode];
        if (c === "invite-code" && d === "revoke" && m === "POST") {
          this.requireAdmin(g);
          g.inviteCode = this.code();
          return [200, g.inviteCode];
        }
        if (c === "leave" && m === "POST") return [200, this.leave(g)];
      }
    }
    if (a === "send" && b === "text" && m === "POST") return [201, this.sendText(body)];
    if (a === "chats" && b && c === "messages" && m === "GET")
      return [200, this.messages(b, req.query ?? {})];
    if (a === "labels") {
      if (!b && m === "GET") return [200, this.state.labels.map((l) => ({ ...l, colorHex: "#00a884" }))];
      if (b === "chats" && c && m === "GET") {
        const g = this.state.groups.find((x) => x.id === c);
        return [200, this.state.labels.filter((l) => g?.labels.includes(l.id))];
      }
      // the real route: the body replaces the chat's whole set
      if (b === "chats" && c && m === "PUT") {
        const g = this.state.groups.find((x) => x.id === c) ?? fail(404, `chat ${c} not found`);
        const ids = Array.isArray(body.labels)
          ? body.labels.map((l) => String((l as { id?: unknown })?.id))
          : [];
        for (const l of ids)
          if (!this.state.labels.some((x) => x.id === l)) fail(404, `label ${l} not found`);
        g.labels = [...new Set(ids)];
        return [200, { success: true }];
      }
      if (b && c === "chats" && d && m === "PUT") {
        const label = this.state.labels.find((l) => l.id === b) ?? fail(404, `label ${b} not found`);
        const g = this.state.groups.find((x) => x.id === d) ?? fail(404, `chat ${d} not found`);
        if (!g.labels.includes(label.id)) g.labels.push(label.id);
        return [200, { success: true }];
      }
    }
    return fail(404, `Cannot ${m} ${req.path}`);
  }

  // ---- groups ----

  private isMember(g: SbGroup): boolean {
    return g.participants.some((p) => p.jid === this.self);
  }

  private roleOfSelf(g: SbGroup): Role | undefined {
    return g.participants.find((p) => p.jid === this.self)?.role;
  }

  private group(id: string): SbGroup {
    const g = this.state.groups.find((x) => x.id === id);
    if (!g) return fail(404, `group ${id} not found`);
    return g;
  }

  private visible(g: SbGroup): SbGroup {
    if (!this.isMember(g)) fail(403, "you are not a participant of this group");
    return g;
  }

  private requireAdmin(g: SbGroup): void {
    this.visible(g);
    if (this.roleOfSelf(g) === "member") fail(403, "not a group admin");
  }

  private listGroups(q: Record<string, string | number | boolean>): unknown {
    const mine = this.state.groups.filter((g) => this.isMember(g));
    const sortBy = q.sortBy === "subject" ? "subject" : "id";
    mine.sort((x, y) => (x[sortBy] < y[sortBy] ? -1 : x[sortBy] > y[sortBy] ? 1 : 0));
    if (q.sortOrder === "desc") mine.reverse();
    const offset = Math.max(0, Number(q.offset ?? 0) || 0);
    const asked = Number(q.limit ?? 100) || 100;
    const limit = Math.min(asked, this.faults.spec.pageCap);
    const page = mine.slice(offset, offset + limit);
    if (this.state.engine === "noweb") return Object.fromEntries(page.map((g) => [g.id, this.render(g)]));
    return page.map((g) => this.render(g));
  }

  /** One group in the shape of the engine this sandbox plays. */
  render(g: SbGroup): unknown {
    const engine = this.state.engine;
    if (engine === "noweb") {
      return {
        id: g.id,
        subject: g.subject,
        creation: g.creation,
        owner: g.owner.replace("@c.us", "@s.whatsapp.net"),
        desc: g.description,
        restrict: g.restrict,
        announce: g.announce,
        memberAddMode: g.memberAddAll,
        joinApprovalMode: g.approval,
        size: g.participants.length,
        participants: g.participants.map((p) => ({
          id: p.lid ? p.lid : p.jid.replace("@c.us", "@s.whatsapp.net"),
          ...(p.lid && !p.hidePn ? { phoneNumber: p.jid.replace("@c.us", "@s.whatsapp.net") } : {}),
          admin: p.role === "member" ? null : p.role,
        })),
      };
    }
    if (engine === "webjs") {
      const wid = (s: string) => ({ server: s.split("@")[1], user: s.split("@")[0], _serialized: s });
      return {
        id: wid(g.id),
        name: g.subject,
        isGroup: true,
        groupMetadata: {
          id: wid(g.id),
          creation: g.creation,
          owner: wid(g.owner),
          subject: g.subject,
          desc: g.description,
          restrict: g.restrict,
          announce: g.announce,
          memberAddMode: g.memberAddAll ? "all_member_add" : "admin_add",
          membershipApprovalMode: g.approval,
          size: g.participants.length,
          participants: g.participants.map((p) => ({
            id: wid(p.lid && p.hidePn ? p.lid : p.jid),
            isAdmin: p.role !== "member",
            isSuperAdmin: p.role === "superadmin",
          })),
        },
      };
    }
    // GOWS: the normalized GroupInfo, which does not say who may edit the info
    return {
      id: g.id,
      subject: g.subject,
      description: g.description,
      owner: g.owner,
      creation: g.creation,
      membersCanAddNewMember: g.memberAddAll,
      membersCanSendMessages: !g.announce,
      newMembersApprovalRequired: g.approval,
      participants: g.participants.map((p) => ({
        id: p.lid ?? p.jid,
        ...(p.lid && !p.hidePn ? { pn: p.jid } : {}),
        role: p.role === "member" ? "participant" : p.role,
      })),
    };
  }

  private participantsOf(g: SbGroup): unknown {
    this.visible(g);
    return g.participants.map((p) => ({
      id: p.lid && p.hidePn ? p.lid : p.jid,
      isAdmin: p.role !== "member",
      isSuperAdmin: p.role === "superadmin",
    }));
  }

  private people(body: Record<string, unknown>): string[] {
    const list = body.participants;
    if (!Array.isArray(list) || list.length === 0) fail(400, "participants must be a non-empty list of {id}");
    return (list as unknown[]).map((p) => {
      const id = typeof p === "string" ? p : (p as { id?: unknown })?.id;
      if (typeof id !== "string" || !/@(c\.us|s\.whatsapp\.net|lid)$/.test(id))
        fail(400, `bad participant id ${JSON.stringify(id)}`);
      return personJid(id as string);
    });
  }

  private create(body: Record<string, unknown>): unknown {
    const name = body.name;
    if (typeof name !== "string" || !name.trim()) fail(400, "name is required");
    if ((name as string).length > 100) fail(400, "subject longer than 100 characters");
    const people = this.people({ participants: body.participants ?? [{ id: this.self }] }).filter(
      (j) => j !== this.self,
    );
    if (people.length + 1 > MAX_PARTICIPANTS)
      fail(400, `a group holds at most ${MAX_PARTICIPANTS} participants`);
    let id: string;
    do id = `1203630${String(++this.state.counter).padStart(11, "0")}@g.us`;
    while (this.state.groups.some((x) => x.id === id));
    const g: SbGroup = {
      id,
      subject: name as string,
      description: "",
      owner: this.self,
      creation: Math.floor(this.now() / 1000),
      announce: false,
      restrict: false,
      memberAddAll: true,
      approval: false,
      participants: [{ jid: this.self, role: "superadmin" }],
      inviteCode: this.code(),
      labels: [],
    };
    this.state.groups.push(g);
    const results = this.addPeople(g, people);
    return {
      id,
      subject: g.subject,
      creation: g.creation,
      owner: g.owner,
      participants: Object.fromEntries(
        results.map((r) => [r.jid, { code: r.code, message: r.message, isInviteV4Sent: r.invite }]),
      ),
    };
  }

  private addPeople(g: SbGroup, jids: string[]) {
    return jids.map((jid) => {
      const res = { jid, code: 200, message: "added", invite: false };
      if (g.participants.some((p) => p.jid === jid))
        return { ...res, code: 409, message: "already a participant" };
      if (this.state.notOnWhatsApp.includes(jid)) return { ...res, code: 404, message: "not on WhatsApp" };
      if (this.state.privacyRestricted.includes(jid)) {
        if (this.state.inviteV4) this.record(jid, `Invitation to join ${g.subject}`);
        return { ...res, code: 403, message: "can only be added by invitation", invite: this.state.inviteV4 };
      }
      if (g.participants.length >= MAX_PARTICIPANTS) return { ...res, code: 419, message: "group is full" };
      g.participants.push({ jid, role: "member" });
      return res;
    });
  }

  private add(g: SbGroup, body: Record<string, unknown>): unknown {
    this.requireAdmin(g);
    const results = this.addPeople(g, this.people(body));
    if (this.state.engine === "webjs" || this.state.engine === "gows")
      return Object.fromEntries(
        results.map((r) => [r.jid, { code: r.code, message: r.message, isInviteV4Sent: r.invite }]),
      );
    return results.map((r) => ({ jid: r.jid.replace("@c.us", "@s.whatsapp.net"), status: String(r.code) }));
  }

  private remove(g: SbGroup, body: Record<string, unknown>): unknown {
    this.requireAdmin(g);
    const jids = this.people(body);
    for (const jid of jids) {
      const p = g.participants.find((x) => x.jid === jid || x.lid === jid);
      if (!p) continue;
      if (jid === g.owner) fail(403, "the group creator cannot be removed");
      if (p.role === "superadmin" && this.roleOfSelf(g) !== "superadmin")
        fail(403, "only the creator removes the creator");
    }
    g.participants = g.participants.filter((p) => !jids.includes(p.jid) && !(p.lid && jids.includes(p.lid)));
    return jids.map((jid) => ({ jid, status: "200" }));
  }

  private setRole(g: SbGroup, body: Record<string, unknown>, action: "promote" | "demote"): unknown {
    this.requireAdmin(g);
    const jids = this.people(body);
    for (const jid of jids) {
      const p = g.participants.find((x) => x.jid === jid) ?? fail(404, `${jid} is not a participant`);
      if (action === "demote" && (jid === g.owner || p.role === "superadmin"))
        fail(403, "the group creator cannot be demoted");
    }
    for (const jid of jids) {
      const p = g.participants.find((x) => x.jid === jid)!;
      p.role = action === "promote" ? (p.role === "superadmin" ? "superadmin" : "admin") : "member";
    }
    return { ok: true };
  }

  private setSubject(g: SbGroup, body: Record<string, unknown>): unknown {
    this.visible(g);
    if (g.restrict) this.requireAdmin(g);
    const s = body.subject;
    if (typeof s !== "string" || !s.trim()) fail(400, "subject is required");
    if ((s as string).length > 100) fail(400, "subject longer than 100 characters");
    g.subject = s as string;
    return true;
  }

  private setDescription(g: SbGroup, body: Record<string, unknown>): unknown {
    this.visible(g);
    if (g.restrict) this.requireAdmin(g);
    const s = body.description;
    if (typeof s !== "string") fail(400, "description is required");
    if ((s as string).length > MAX_DESCRIPTION)
      fail(400, `description longer than ${MAX_DESCRIPTION} characters`);
    g.description = (s as string).trimEnd();
    return true;
  }

  private picture(g: SbGroup, method: string, body: Record<string, unknown>): unknown {
    this.visible(g);
    if (method === "GET") return { url: g.picture ? `${this.fileBase}/files/${g.picture}` : null };
    if (g.restrict) this.requireAdmin(g);
    if (method === "DELETE") {
      delete g.picture;
      return { success: true };
    }
    if (method !== "PUT") fail(404, "unknown picture call");
    const file = body.file as { data?: unknown; mimetype?: unknown } | undefined;
    if (!file || typeof file.data !== "string")
      fail(422, "only {file: {data, mimetype}} is supported by this engine");
    const mimetype = String(file!.mimetype ?? "");
    if (!/^image\/(png|jpeg)$/.test(mimetype)) fail(400, "picture must be a JPEG or PNG");
    const sha = createHash("sha256")
      .update(Buffer.from(file!.data as string, "base64"))
      .digest("hex");
    this.state.files[sha] = { mimetype, data: file!.data as string };
    g.picture = sha;
    return { success: true };
  }

  private setting(g: SbGroup, which: string, method: string, body: Record<string, unknown>): unknown {
    this.visible(g);
    if (method === "GET") {
      if (which === "messages-admin-only") return { adminsOnly: g.announce };
      if (which === "info-admin-only") return { adminsOnly: g.restrict };
      if (which === "member-add-mode") return { membersCanAddNewMember: g.memberAddAll };
      if (which === "membership-approval") return { newMembersApprovalRequired: g.approval };
      return fail(404, `unknown setting ${which}`);
    }
    if (method !== "PUT") return fail(404, "unknown setting call");
    this.requireAdmin(g);
    const flag = (k: string) => {
      const v = body[k];
      if (typeof v !== "boolean") fail(400, `${k} must be a boolean`);
      return v as boolean;
    };
    if (which === "messages-admin-only") g.announce = flag("adminsOnly");
    else if (which === "info-admin-only") g.restrict = flag("adminsOnly");
    else if (which === "member-add-mode") g.memberAddAll = flag("membersCanAddNewMember");
    else if (which === "membership-approval") g.approval = flag("newMembersApprovalRequired");
    else fail(404, `unknown setting ${which}`);
    return true;
  }

  private leave(g: SbGroup): unknown {
    this.visible(g);
    g.participants = g.participants.filter((p) => p.jid !== this.self);
    if (g.participants.length === 0) this.state.groups = this.state.groups.filter((x) => x !== g);
    return { success: true };
  }

  private deleteGroup(g: SbGroup): unknown {
    // like the engines: drops our chat; a group we already left is simply gone for us
    if (this.isMember(g) && this.roleOfSelf(g) === "member") fail(403, "not a group admin");
    if (this.isMember(g)) this.state.groups = this.state.groups.filter((x) => x !== g);
    return { success: true };
  }

  // ---- chats ----

  private sendText(body: Record<string, unknown>): unknown {
    const chatId = body.chatId;
    const message = body.message ?? body.text;
    if (typeof chatId !== "string" || !/@(c\.us|g\.us)$/.test(chatId))
      fail(400, "chatId must end @c.us or @g.us");
    if (typeof message !== "string" || !message) fail(400, "message is required");
    if ((message as string).length > MAX_MESSAGE) fail(400, `message longer than ${MAX_MESSAGE} characters`);
    if ((chatId as string).endsWith("@g.us")) {
      const g = this.group(chatId as string);
      this.visible(g);
      if (g.announce && this.roleOfSelf(g) === "member") fail(403, "only admins can send messages");
    }
    const m = this.record(chatId as string, message as string);
    return { id: m.id, timestamp: m.timestamp, fromMe: true, body: m.body };
  }

  private record(chatId: string, body: string) {
    const m = {
      id: `true_${chatId}_${randomBytes(8).toString("hex").toUpperCase()}`,
      timestamp: Math.floor(this.now() / 1000),
      fromMe: true,
      body,
    };
    const chat = this.state.messages[chatId] ?? [];
    chat.push(m);
    this.state.messages[chatId] = chat;
    return m;
  }

  private messages(chatId: string, q: Record<string, string | number | boolean>): unknown {
    const limit = Math.min(Number(q.limit ?? 100) || 100, 1000);
    const list = this.state.messages[chatId] ?? [];
    return list.slice(-limit).reverse();
  }

  private code(): string {
    return randomBytes(16).toString("base64url").slice(0, 22);
  }
}
