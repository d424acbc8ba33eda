// NOWEB (Baileys behind WAHA): the listing is an object keyed by group ID of Baileys' GroupMetadata,
// people are `@s.whatsapp.net`; in lid addressing ("noweb-lid") people are `@lid` with `phoneNumber`
// and the owner a lid with `ownerPn`. Add, remove, promote and demote answer per person
// `[{status, jid, content}]`; writes answer an empty body; DELETE is NotImplementedByEngineError; other
// failures are WAHA's 500 with Baileys' message. Sources: WAHA src/core/engines/noweb/session.noweb.core.ts
// and groups.noweb.ts; Baileys src/Socket/groups.ts (extractGroupMetadata, groupParticipantsUpdate).
import type { AddResult, ChangeResult, ModelError } from "../model.js";
import type { SbGroup, SbParticipant } from "../state.js";
import { exceptionError, nestError, type Persona, type PersonaDeps, sWhatsapp } from "./persona.js";

// Baileys throws a Boom carrying the WhatsApp server's error text
const BAILEYS_TEXT: Record<string, string> = {
  "not-found": "item-not-found",
  "not-participant": "forbidden",
  "not-admin": "not-authorized",
  creator: "not-acceptable",
};

export function nowebPersona({ model, now }: PersonaDeps, lidMode: boolean): Persona {
  const idOf = (p: SbParticipant) => (lidMode || (p.lid && p.hidePn) ? model.lidOf(p) : sWhatsapp(p.jid));
  const participant = (p: SbParticipant) => {
    const id = idOf(p);
    const out: Record<string, unknown> = { id };
    if (id.endsWith("@lid") && !p.hidePn) out.phoneNumber = sWhatsapp(p.jid);
    if (!id.endsWith("@lid") && p.lid) out.lid = p.lid;
    out.admin = p.role === "member" ? null : p.role;
    return out;
  };
  const metadata = (g: SbGroup, withParticipants: boolean) => {
    const ownerLid = model.lidOf({ jid: g.owner, role: "superadmin" });
    return {
      id: g.id,
      addressingMode: lidMode ? "lid" : "pn",
      subject: g.subject,
      subjectOwner: lidMode ? ownerLid : sWhatsapp(g.owner),
      subjectTime: g.creation,
      size: g.participants.length,
      creation: g.creation,
      owner: lidMode ? ownerLid : sWhatsapp(g.owner),
      ...(lidMode ? { ownerPn: sWhatsapp(g.owner) } : {}),
      desc: g.description,
      descId: `${g.creation}`,
      restrict: g.restrict,
      announce: g.announce,
      isCommunity: false,
      isCommunityAnnounce: false,
      joinApprovalMode: g.approval,
      memberAddMode: g.memberAddAll,
      ...(withParticipants ? { participants: g.participants.map(participant) } : {}),
    };
  };
  // a per-person result names the person the way the group addresses them
  const personNode = (g: SbGroup, jid: string, code: number, extra: Record<string, unknown> = {}) => {
    const p = model.find(g, jid);
    const shown = p
      ? idOf(p)
      : jid.endsWith("@lid")
        ? jid
        : lidMode
          ? model.lidOf({ jid, role: "member" })
          : sWhatsapp(jid);
    const attrs: Record<string, string> = { jid: shown };
    if (code !== 200) attrs.error = String(code);
    if (shown.endsWith("@lid") && !jid.endsWith("@lid")) attrs.phone_number = sWhatsapp(jid);
    return { status: String(code), jid: shown, content: { tag: "participant", attrs, ...extra } };
  };
  return {
    engine: lidMode ? "noweb-lid" : "noweb",
    ignoresSort: false,
    wholeCall: false,
    deleteMissing: true,
    rejectsEmptyText: false,
    cachesPictures: true,
    startSettings: { announce: false, restrict: false },
    list: (page, withParticipants) =>
      Object.fromEntries(page.map((g) => [g.id, metadata(g, withParticipants)])),
    group: metadata,
    participants: (g) => g.participants.map(participant),
    created: (g) => metadata(g, true),
    added: (g, results: AddResult[]) =>
      results.map((r) =>
        personNode(
          g,
          r.jid,
          r.code,
          r.code === 403
            ? {
                content: [
                  {
                    tag: "add_request",
                    attrs: { code: g.inviteCode, expiration: String(Math.floor(now() / 1000) + 3 * 86_400) },
                  },
                ],
              }
            : {},
        ),
      ),
    changed: (g, _action, results: ChangeResult[]) => results.map((r) => personNode(g, r.jid, r.code)),
    done: (op) => ({ status: 200, body: op === "picture" ? { success: true } : undefined }),
    refused(e: ModelError, req) {
      if (e.reason === "bad-request") return nestError(400, e.message);
      return exceptionError(BAILEYS_TEXT[e.reason] ?? e.message, req, now());
    },
  };
}
