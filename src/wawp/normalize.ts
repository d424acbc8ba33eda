// Engine shapes -> the Live model. WEBJS arrays, NOWEB keyed objects and GroupInfo arrays all land
// here, so no raw engine shape ever reaches the planner.
import { isLid, personJid } from "../jid.js";
import type { AddOutcome, ChatMessage, LiveGroup, LiveParticipant, Role } from "../live/types.js";
import type { Settings, Who } from "../manifest/types.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A WhatsApp ID that may come as a string or as WEBJS's `{_serialized, user, server}`. */
export function idString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (isObj(v)) {
    if (typeof v._serialized === "string") return v._serialized;
    if (typeof v.user === "string" && typeof v.server === "string") return `${v.user}@${v.server}`;
  }
  return undefined;
}

/** Every Get Groups shape -> a list of raw group objects. */
export function groupItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (isObj(body)) {
    for (const k of ["groups", "data", "results"]) if (Array.isArray(body[k])) return body[k] as unknown[];
    // NOWEB: an object keyed by group ID
    return Object.entries(body)
      .filter(([k, v]) => k.endsWith("@g.us") && isObj(v))
      .map(([k, v]) => ({ id: k, ...(v as Obj) }));
  }
  return [];
}

export function normalizeGroups(body: unknown): LiveGroup[] {
  const out: LiveGroup[] = [];
  for (const item of groupItems(body)) {
    const g = normalizeGroup(item);
    if (g) out.push(g);
  }
  return out;
}

export function normalizeGroup(item: unknown): LiveGroup | undefined {
  if (!isObj(item)) return undefined;
  // WEBJS chats keep the group's own fields in groupMetadata
  const meta = isObj(item.groupMetadata) ? item.groupMetadata : item;
  const id = idString(item.id) ?? idString(meta.id) ?? idString(item.gid);
  if (!id?.endsWith("@g.us")) return undefined;
  const subject = str(meta.subject) ?? str(item.subject) ?? str(item.name) ?? "";
  const description = descOf(meta.desc) ?? descOf(meta.description) ?? descOf(item.description);
  const ownerRaw = idString(meta.ownerPn) ?? idString(meta.owner_pn) ?? idString(meta.owner);
  const owner = ownerRaw ? personJid(ownerRaw) : undefined;
  const creationRaw = num(meta.creation) ?? num(item.creation);
  const creation =
    creationRaw === undefined ? undefined : creationRaw > 1e12 ? Math.floor(creationRaw / 1000) : creationRaw;
  const participantsRaw = meta.participants ?? item.participants;
  const participants = Array.isArray(participantsRaw) ? normalizeParticipants(participantsRaw) : undefined;
  const size = num(meta.size) ?? num(item.size) ?? participants?.length;
  const g: LiveGroup = { id, subject, settings: settingsOf(meta) };
  if (description !== undefined) g.description = description;
  if (owner && !isLid(owner)) g.owner = owner;
  if (creation !== undefined) g.creation = creation;
  if (participants) g.participants = participants;
  if (size !== undefined) g.size = size;
  return g;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

function descOf(v: unknown): string | undefined {
  if (typeof v === "string") return v.trimEnd();
  if (v === null) return "";
  if (isObj(v)) return descOf(v.body ?? v.desc ?? v.description);
  return undefined;
}

const who = (adminsOnly: boolean | undefined): Who | undefined =>
  adminsOnly === undefined ? undefined : adminsOnly ? "admins" : "all";

/** Read settings from any shape; a field the engine leaves out stays unknown, never false. */
function settingsOf(m: Obj): Partial<Settings> {
  const s: Partial<Settings> = {};
  const announce = bool(m.announce);
  const canSend = bool(m.membersCanSendMessages);
  const sendMessages = who(announce ?? (canSend === undefined ? undefined : !canSend));
  if (sendMessages) s.sendMessages = sendMessages;
  const restrict = bool(m.restrict);
  const canEdit = bool(m.membersCanEditGroupInfo ?? m.membersCanEditInfo);
  const editInfo = who(restrict ?? (canEdit === undefined ? undefined : !canEdit));
  if (editInfo) s.editInfo = editInfo;
  let addAll: boolean | undefined;
  if (m.memberAddMode === "all_member_add") addAll = true;
  else if (m.memberAddMode === "admin_add") addAll = false;
  else addAll = bool(m.memberAddMode) ?? bool(m.membersCanAddNewMember);
  const addMembers = who(addAll === undefined ? undefined : !addAll);
  if (addMembers) s.addMembers = addMembers;
  const approval =
    bool(m.membershipApprovalMode) ?? bool(m.joinApprovalMode) ?? bool(m.newMembersApprovalRequired);
  if (approval !== undefined) s.approveJoins = approval;
  return s;
}

export function normalizeParticipants(list: unknown[]): LiveParticipant[] {
  const out: LiveParticipant[] = [];
  for (const p of list) {
    const n = normalizeParticipant(p);
    if (n) out.push(n);
  }
  return out;
}

function normalizeParticipant(p: unknown): LiveParticipant | undefined {
  if (typeof p === "string") return { jid: personJid(p), role: "member" };
  if (!isObj(p)) return undefined;
  const rawId = idString(p.id) ?? idString(p.jid);
  if (!rawId) return undefined;
  let role: Role = "member";
  if (p.role === "left") return undefined;
  if (p.role === "superadmin" || p.admin === "superadmin" || p.isSuperAdmin === true) role = "superadmin";
  else if (p.role === "admin" || p.admin === "admin" || p.isAdmin === true) role = "admin";
  const pn = idString(p.pn) ?? idString(p.phoneNumber) ?? (isLid(rawId) ? idString(p.jid) : undefined);
  if (isLid(rawId)) {
    if (pn && !isLid(pn)) return { jid: personJid(pn), role, lid: rawId };
    return { jid: rawId, role, lid: rawId };
  }
  return { jid: personJid(rawId), role };
}

/** Both add-result shapes (keyed object or array) -> one outcome per participant. */
export function normalizeAddResults(body: unknown, asked: string[]): AddOutcome[] {
  const byJid = new Map<string, AddOutcome>();
  const put = (jidRaw: string | undefined, v: unknown) => {
    if (!jidRaw) return;
    const jid = personJid(jidRaw);
    const o = isObj(v) ? v : {};
    const code = num(o.code) ?? num(o.status) ?? num(o.statusCode) ?? num(v) ?? 200;
    const outcome: AddOutcome = { jid, code };
    const msg = str(o.message);
    if (msg) outcome.message = msg;
    if (o.isInviteV4Sent === true || o.invite_sent === true) outcome.inviteSent = true;
    byJid.set(jid, outcome);
  };
  if (Array.isArray(body)) {
    for (const item of body) if (isObj(item)) put(idString(item.jid) ?? idString(item.id), item);
  } else if (isObj(body)) {
    const inner = isObj(body.participants) ? body.participants : body;
    for (const [k, v] of Object.entries(inner)) if (k.includes("@") || /^\d+$/.test(k)) put(k, v);
  }
  // a whole-call success with no detail ({status: 200}, true): everyone asked was added; detail that
  // leaves someone out says nothing about them (code 0: the executor asks again)
  return asked.map((j) => byJid.get(personJid(j)) ?? { jid: personJid(j), code: byJid.size ? 0 : 200 });
}

export function normalizeMessages(body: unknown): ChatMessage[] {
  const list = Array.isArray(body) ? body : isObj(body) && Array.isArray(body.messages) ? body.messages : [];
  const out: ChatMessage[] = [];
  for (const m of list) {
    if (!isObj(m)) continue;
    const ts = num(m.timestamp) ?? num(m.t) ?? 0;
    out.push({
      id: idString(m.id) ?? "",
      timestamp: ts > 1e12 ? Math.floor(ts / 1000) : ts,
      fromMe: m.fromMe === true,
      body: str(m.body) ?? str(m.text) ?? str(m.caption) ?? "",
    });
  }
  return out;
}

/** Create answers differ: a group object, WEBJS's `{gid, participants}`, or an ID string. */
export function normalizeCreated(
  body: unknown,
  asked: string[],
): { id: string; outcomes: AddOutcome[] } | undefined {
  if (typeof body === "string" && body.endsWith("@g.us")) return { id: body, outcomes: asked.map(ok) };
  if (!isObj(body)) return undefined;
  const id = idString(body.gid) ?? idString(body.id) ?? idString(body.groupId) ?? idString(body.JID);
  if (!id?.endsWith("@g.us")) return undefined;
  let outcomes = asked.map(ok);
  if (isObj(body.participants)) outcomes = normalizeAddResults(body.participants, asked);
  else if (Array.isArray(body.participants)) {
    const present = new Set(normalizeParticipants(body.participants).map((p) => p.jid));
    const detailed = body.participants.some(
      (p) => isObj(p) && (p.code !== undefined || p.status !== undefined),
    );
    outcomes = detailed
      ? normalizeAddResults(body.participants, asked)
      : asked.map((j) => (present.has(personJid(j)) ? ok(j) : { jid: personJid(j), code: 0 }));
  }
  return { id, outcomes };
}

const ok = (j: string): AddOutcome => ({ jid: personJid(j), code: 200 });

/** A setting's GET answer -> its value. */
export function normalizeSetting(key: keyof Settings, body: unknown): boolean | undefined {
  if (typeof body === "boolean") return body;
  if (!isObj(body)) return undefined;
  if (key === "addMembers") {
    const all = bool(body.membersCanAddNewMember);
    if (all !== undefined) return !all; // true = admins only
    if (body.memberAddMode === "admin_add") return true;
    if (body.memberAddMode === "all_member_add") return false;
  }
  if (key === "approveJoins") {
    const v =
      bool(body.newMembersApprovalRequired) ?? bool(body.required) ?? bool(body.membershipApprovalMode);
    if (v !== undefined) return v;
  }
  return bool(body.adminsOnly) ?? bool(body.value) ?? bool(body.enabled);
}
