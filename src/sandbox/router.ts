// Paths -> model operations -> the persona's raw shapes. One table of the routes real servers have
// (Wawp's /v2 paths, which are WAHA's /api/{session} paths); anything else is NestJS's 404.
import { personJid } from "../jid.js";
import type { WawpRequest } from "../wawp/transport.js";
import { type Persona, personaFor } from "./engines/index.js";
import { NOT_IMPLEMENTED, nestError, type Reply } from "./engines/persona.js";
import { LabelBook, labelRoute } from "./labels.js";
import { type MessageFilter, ModelError, refuse, type WhatsAppModel } from "./model.js";
import type { Engine, SbGroup } from "./state.js";

type Query = Record<string, string | number | boolean>;
type Body = Record<string, unknown>;

export interface RouterOptions {
  /** Get Groups answers at most this many per page (the faults' pageCap, read per request) */
  pageCap: () => number;
  /** how picture URLs start */
  fileBase: () => string;
  now: () => number;
}

const DAY_MS = 86_400_000;
// WAHA's own wording (noweb/session.noweb.core.ts)
const NOWEB_STORE =
  'Enable NOWEB store "config.noweb.store.enabled=True" and "config.noweb.store.full_sync=True" when starting a new session. Read more: https://waha.devlike.pro/docs/engines/noweb#store';
// WhatsApp refuses label queries for a personal number; the wording is ours (no engine source seen)
const NOT_BUSINESS = "Labels are available only on a WhatsApp Business number";
// which body field each settings route reads
const SETTING_FIELD: Record<string, string> = {
  "messages-admin-only": "adminsOnly",
  "info-admin-only": "adminsOnly",
  "member-add-mode": "membersCanAddNewMember",
  "membership-approval": "newMembersApprovalRequired",
};

export class Router {
  readonly persona: Persona;
  // WAHA keeps a group's picture URL for a day unless asked to refresh
  private readonly pictureCache = new Map<string, { url: string | null; at: number }>();
  private readonly labelBook: LabelBook;

  constructor(
    private readonly model: WhatsAppModel,
    engine: Engine,
    private readonly opts: RouterOptions,
  ) {
    this.persona = personaFor(engine, { model, now: opts.now });
    this.labelBook = new LabelBook(model.state);
  }

  route(req: WawpRequest): Reply {
    try {
      return this.dispatch(req);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      const { query, body } = req;
      return this.persona.refused(e, {
        method: req.method,
        path: req.path,
        ...(query ? { query } : {}),
        ...(body !== undefined ? { body } : {}),
      });
    }
  }

  /** What the server answers before any handler runs: a route it lacks, or a store it was not given. */
  private gate(m: string, path: string, parts: (string | undefined)[]): Reply | undefined {
    const quirks = this.model.state.quirks ?? {};
    const [a, b, c, d, e] = parts;
    if (quirks.oldServer) {
      const newer =
        (a === "groups" && b === "count" && !c) ||
        (a === "groups" && c === "participants" && d === "v2") ||
        (a === "groups" && c === "settings" && (e === "member-add-mode" || e === "membership-approval"));
      if (newer) return nestError(404, `Cannot ${m} ${path}`);
    }
    if (this.persona.lacks(m, path)) return nestError(422, NOT_IMPLEMENTED);
    const noweb = this.persona.engine === "noweb" || this.persona.engine === "noweb-lid";
    if (noweb && quirks.nowebStoreOff && (a === "labels" || (a === "chats" && c === "messages")))
      return nestError(400, NOWEB_STORE);
    if (quirks.notBusiness && a === "labels") return nestError(400, NOT_BUSINESS);
    return undefined;
  }

  private dispatch(req: WawpRequest): Reply {
    const parts = req.path.split("/").filter(Boolean).map(decodeURIComponent);
    const [a, b, c, d, e] = parts;
    const m = req.method;
    const q = req.query ?? {};
    const body = (req.body ?? {}) as Body;
    const ok = (value: unknown, status = 200): Reply => ({ status, body: value });
    const model = this.model;
    const p = this.persona;
    const gated = this.gate(m, req.path, parts);
    if (gated) return gated;
    if (a === "groups") {
      if (!b && m === "GET") return ok(this.listGroups(q));
      if (!b && m === "POST") {
        // WAHA's DTO validation answers before the engine is asked
        if (typeof body.name !== "string") return nestError(400, "name must be a string");
        const asked = body.participants === undefined ? [] : people(body);
        const { group, results } = model.create(body.name, asked, p.startSettings);
        return ok(p.created(group, results), 201);
      }
      if (b === "count" && !c && m === "GET") return ok({ count: model.mine().length });
      if (b && b !== "count") {
        const g = model.group(b);
        if (!c && m === "GET") return ok(p.group(g, q.exclude !== "participants"));
        if (!c && m === "DELETE") {
          model.deleteGroup(g);
          return p.done("delete");
        }
        if (c === "participants" && !d && m === "GET") return ok(p.participants(model.visible(g)));
        if (c === "participants" && d === "v2" && m === "GET") return ok(p.participantsV2(model.visible(g)));
        if (c === "participants" && d === "add" && m === "POST")
          return ok(p.added(g, model.add(g, people(body))));
        if (c === "participants" && d === "remove" && m === "POST")
          return ok(p.changed(g, "remove", model.remove(g, people(body), p.wholeCall)));
        if (c === "admin" && (d === "promote" || d === "demote") && m === "POST")
          return ok(p.changed(g, d, model.setRole(g, people(body), d, p.wholeCall, p.skipsStrangers)));
        if ((c === "subject" || c === "description") && !d && m === "PUT") return this.setText(g, c, body);
        if (c === "picture" && !d) return this.picture(g, m, q, body);
        if (c === "settings" && d === "security" && e && SETTING_FIELD[e]) {
          if (m === "GET") return ok({ [SETTING_FIELD[e]!]: model.setting(g, e) });
          if (m === "PUT") {
            const v = body[SETTING_FIELD[e]!];
            if (typeof v !== "boolean") refuse(400, `${SETTING_FIELD[e]} must be a boolean`, "bad-request");
            model.setSetting(g, e, v as boolean);
            return p.done("setting", e);
          }
        }
        if (c === "invite-code" && !d && m === "GET") return ok(model.inviteCode(g));
        if (c === "invite-code" && d === "revoke" && m === "POST") return ok(model.revokeInviteCode(g));
        if (c === "leave" && !d && m === "POST") {
          model.leave(g);
          return p.done("leave");
        }
      }
    }
    if (a === "send" && b === "text" && !c && m === "POST") {
      const text = body.message ?? body.text;
      const msg = model.sendText(String(body.chatId ?? ""), typeof text === "string" ? text : "");
      return ok({ id: msg.id, timestamp: msg.timestamp, fromMe: true, body: msg.body }, 201);
    }
    if (a === "chats" && b && c === "messages" && !d && m === "GET")
      return ok(model.messages(b, messageFilter(q)).map((x) => ({ ...x })));
    if (a === "lids" && b === "pn" && c && !d && m === "GET") {
      const pn = personJid(c);
      return ok({ lid: model.lidOf({ jid: pn, role: "member" }), pn });
    }
    if (a === "lids" && b && b !== "pn" && !c && m === "GET") {
      const pn = model.phoneOfLid(b);
      if (pn === null && p.unknownLid === "404")
        return { status: 404, body: { message: "Not Found", statusCode: 404 } };
      return ok({ lid: b, pn });
    }
    if (a === "labels") return labelRoute(this.labelBook, p, m, [b, c, d], body);
    return nestError(404, `Cannot ${m} ${req.path}`);
  }

  private listGroups(q: Query): unknown {
    const mine = this.model.mine();
    const offset = Math.max(0, Number(q.offset ?? 0) || 0);
    if (this.persona.listOrder === "activity") {
      // someone wrote in the quietest chat while the client paged: it jumps to the top (WEBJS)
      if (offset > 0 && mine.length > 1) {
        const quietest = mine.reduce((x, y) => (activity(y) < activity(x) ? y : x));
        quietest.activity = Math.max(...mine.map(activity)) + 1;
      }
      mine.sort((x, y) => activity(y) - activity(x));
    } else if (this.persona.listOrder === "asked") {
      const key = q.sortBy === "subject" ? "subject" : "id";
      mine.sort((x, y) => (x[key] < y[key] ? -1 : x[key] > y[key] ? 1 : 0));
      if (q.sortOrder === "desc") mine.reverse();
    }
    const limit = Math.min(Number(q.limit ?? 100) || 100, this.opts.pageCap());
    return this.persona.list(mine.slice(offset, offset + limit), q.exclude !== "participants");
  }

  private setText(g: SbGroup, field: "subject" | "description", body: Body): Reply {
    const value = body[field];
    // GOWS checks before anything else (WAHA gows/groups.validation.ts)
    if (this.persona.rejectsEmptyText && (typeof value !== "string" || !value.trim()))
      return nestError(400, `GOWS does not support empty group ${field}.`);
    if (typeof value !== "string" || (field === "subject" && !value.trim()))
      refuse(400, `${field} is required`, "bad-request");
    if (field === "subject") this.model.setSubject(g, value as string);
    else this.model.setDescription(g, value as string);
    return this.persona.done(field);
  }

  private picture(g: SbGroup, method: string, q: Query, body: Body): Reply {
    const model = this.model;
    if (method === "GET") {
      const sha = model.picture(g);
      const fresh = { url: sha ? `${this.opts.fileBase()}/files/${sha}` : null, at: this.opts.now() };
      const cached = this.pictureCache.get(g.id);
      const useCache =
        this.persona.cachesPictures && q.refresh !== "true" && q.refresh !== true && cached !== undefined;
      if (useCache && this.opts.now() - cached.at < DAY_MS) return { status: 200, body: { url: cached.url } };
      this.pictureCache.set(g.id, fresh);
      return { status: 200, body: { url: fresh.url } };
    }
    if (method === "DELETE") {
      model.deletePicture(g);
      return this.persona.done("picture");
    }
    if (method !== "PUT") return nestError(404, `Cannot ${method} /groups/${g.id}/picture`);
    const file = body.file as { data?: unknown; mimetype?: unknown } | undefined;
    if (!file || typeof file.data !== "string")
      return nestError(422, "only {file: {data, mimetype}} is supported by this engine");
    model.setPicture(g, {
      mimetype: String(file.mimetype ?? ""),
      data: new Uint8Array(Buffer.from(file.data, "base64")),
    });
    return this.persona.done("picture");
  }
}

const activity = (g: SbGroup) => g.activity ?? g.creation * 1000;

/** `participants: [{id}]` -> jids; a body WhatsApp would not take is a 400 naming the bad id. */
function people(body: Body): string[] {
  const list = body.participants;
  if (!Array.isArray(list) || list.length === 0)
    refuse(400, "participants must be a non-empty list of {id}", "bad-request");
  return (list as unknown[]).map((p) => {
    const id = typeof p === "string" ? p : (p as { id?: unknown })?.id;
    if (typeof id !== "string" || !/@(c\.us|s\.whatsapp\.net|lid)$/.test(id))
      refuse(400, `bad participant id ${JSON.stringify(id)}`, "bad-request");
    return personJid(id as string);
  });
}

function messageFilter(q: Query): MessageFilter {
  const f: MessageFilter = {
    limit: Math.min(Number(q.limit ?? 100) || 100, 1000),
    offset: Math.max(0, Number(q.offset ?? 0) || 0),
  };
  const fromMe = q["filter.fromMe"];
  if (fromMe === true || fromMe === "true") f.fromMe = true;
  if (fromMe === false || fromMe === "false") f.fromMe = false;
  const gte = Number(q["filter.timestamp.gte"]);
  if (q["filter.timestamp.gte"] !== undefined && Number.isFinite(gte)) f.since = gte;
  const lte = Number(q["filter.timestamp.lte"]);
  if (q["filter.timestamp.lte"] !== undefined && Number.isFinite(lte)) f.until = lte;
  return f;
}
