// What write calls answer, and the smaller reads (settings, messages, labels): every engine's reply
// shape -> one typed result. A reply that says no (WEBJS `false`, a per-person refusal) is kept.

import { engineId, personJid } from "../jid.js";
import type { AddOutcome, ChatMessage, LiveLabel } from "../live/types.js";
import type { Settings } from "../manifest/types.js";
import { LABEL_PALETTE } from "../whatsapp.js";
import { normalizeParticipants } from "./normalize.js";
import { bool, describeShape, idString, isObj, num, ShapeError, str, unixSeconds } from "./read.js";

/** The person a result names: its number when the engine gave one (GOWS sends the LID in JID). */
function resultJid(o: Record<string, unknown>, key?: string): string | undefined {
  let lid: string | undefined;
  // NOWEB on a lid group: jid is the @lid, the number sits in the raw node's attrs
  const attrs = isObj(o.content) && isObj(o.content.attrs) ? o.content.attrs : {};
  for (const v of [o.PhoneNumber, o.phoneNumber, o.pn, attrs.phone_number, o.jid, o.JID, o.id, key]) {
    const id = idString(v);
    const read = id ? engineId(id) : undefined;
    if (read?.kind === "pn") return read.jid;
    if (read?.kind === "lid") lid ??= read.lid;
  }
  // a person the plan names by privacy ID is answered by it
  return lid;
}

/** A result's code: `code`/`status`/`statusCode`, or GOWS's `Error` (0 = done; `AddRequest` = an invite is needed). */
function resultCode(v: unknown): number {
  if (!isObj(v)) return num(v) ?? 200;
  const code = num(v.code) ?? num(v.status) ?? num(v.statusCode);
  if (code !== undefined) return code;
  const gows = num(v.Error);
  if (gows) return gows;
  if (isObj(v.AddRequest)) return 403;
  return 200;
}

/**
 * Per-person results of add, remove, promote or demote (a keyed object, an array of `{jid, status}`,
 * GOWS's participant array) -> one outcome per person asked, in the order asked.
 */
export function normalizeOutcomes(body: unknown, asked: string[]): AddOutcome[] {
  // no body at all (ZAPO answers 200 with nothing): nobody's fate is known (code 0); the executor reads
  // the group to learn it
  if (body === undefined || body === null || body === "")
    return asked.map((j) => ({ jid: personJid(j), code: 0, message: "the engine's answer did not say" }));
  const byJid = new Map<string, AddOutcome>();
  const put = (jid: string | undefined, v: unknown) => {
    if (!jid) return;
    const o = isObj(v) ? v : {};
    const outcome: AddOutcome = { jid, code: resultCode(v) };
    const msg = str(o.message);
    if (msg) outcome.message = msg;
    if (o.isInviteV4Sent === true || o.invite_sent === true) outcome.inviteSent = true;
    byJid.set(jid, outcome);
  };
  if (Array.isArray(body)) {
    for (const item of body) if (isObj(item)) put(resultJid(item), item);
  } else if (isObj(body)) {
    const inner = isObj(body.participants) ? body.participants : body;
    for (const [k, v] of Object.entries(inner))
      if (k.includes("@") || /^\d+$/.test(k))
        put(resultJid(isObj(v) ? v : {}, k.includes("@") ? k : `${k}@c.us`), v);
  }
  // a whole-call success with no detail ({status: 200}, {ok: true}, true): everyone asked is done;
  // detail that leaves someone out says nothing about them (code 0: the executor asks again)
  return asked.map((j) => byJid.get(personJid(j)) ?? { jid: personJid(j), code: byJid.size ? 0 : 200 });
}

/** Create answers differ: a group object (GOWS's GroupInfo too), WEBJS's `{gid, participants}`, an ID string. */
export function normalizeCreated(
  body: unknown,
  asked: string[],
): { id: string; outcomes: AddOutcome[] } | undefined {
  if (typeof body === "string" && body.endsWith("@g.us")) return { id: body, outcomes: asked.map(ok) };
  if (!isObj(body)) return undefined;
  const id = idString(body.gid) ?? idString(body.id) ?? idString(body.groupId) ?? idString(body.JID);
  if (!id?.endsWith("@g.us")) return undefined;
  let outcomes = asked.map(ok);
  const list = body.participants ?? body.Participants;
  if (isObj(list)) outcomes = normalizeOutcomes(list, asked);
  else if (Array.isArray(list)) {
    const detailed = list.some(
      (p) => isObj(p) && (p.code !== undefined || p.status !== undefined || p.Error !== undefined),
    );
    const present = new Set(
      normalizeParticipants(list, "the new group's participants").participants.map((p) => p.jid),
    );
    outcomes = detailed
      ? normalizeOutcomes(list, asked)
      : asked.map((j) => (present.has(personJid(j)) ? ok(j) : { jid: personJid(j), code: 0 }));
  }
  return { id, outcomes };
}

const ok = (j: string): AddOutcome => ({ jid: personJid(j), code: 200 });

/** A setting's GET answer -> whether it is restricted (admins only / approval required). */
export function normalizeSetting(key: keyof Settings, body: unknown): boolean | undefined {
  if (typeof body === "boolean") return body;
  if (!isObj(body)) return undefined;
  if (key === "addMembers") {
    const all = bool(body.membersCanAddNewMember);
    if (all !== undefined) return !all;
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

/** A chat's messages, newest first (WEBJS sends them oldest first); anything but a list is an error. */
export function normalizeMessages(body: unknown): ChatMessage[] {
  const list = Array.isArray(body)
    ? body
    : isObj(body) && Array.isArray(body.messages)
      ? body.messages
      : undefined;
  if (!list) throw new ShapeError(`not a list of messages: ${describeShape(body)}`);
  const out: ChatMessage[] = [];
  for (const [i, m] of list.entries()) {
    if (!isObj(m)) throw new ShapeError(`cannot read message ${i + 1}: ${describeShape(m)}`);
    out.push({
      id: idString(m.id) ?? "",
      timestamp: unixSeconds(m.timestamp) ?? unixSeconds(m.t) ?? 0,
      fromMe: m.fromMe === true || (isObj(m.id) && m.id.fromMe === true),
      body: str(m.body) ?? str(m.text) ?? str(m.caption) ?? "",
    });
  }
  return out.sort((a, b) => b.timestamp - a.timestamp);
}

export function normalizeLabel(l: unknown, where = "the label"): LiveLabel {
  if (!isObj(l)) throw new ShapeError(`cannot read ${where}: ${describeShape(l)}`);
  const id = idString(l.id) ?? (typeof l.id === "number" ? String(l.id) : undefined);
  const name = str(l.name);
  if (!id || name === undefined) throw new ShapeError(`cannot read ${where}: ${describeShape(l)}`);
  const hex = str(l.colorHex)?.toLowerCase();
  const color = num(l.color) ?? (hex ? LABEL_PALETTE.indexOf(hex) : -1);
  const label: LiveLabel = { id, name };
  if (color >= 0) label.color = color;
  const colorHex = hex ?? (color >= 0 ? LABEL_PALETTE[color] : undefined);
  if (colorHex) label.colorHex = colorHex;
  return label;
}

export function normalizeLabels(body: unknown): LiveLabel[] {
  if (!Array.isArray(body)) throw new ShapeError(`not a list of labels: ${describeShape(body)}`);
  return body.map((l, i) => normalizeLabel(l, `label ${i + 1}`));
}
