// NOWEB (Baileys behind WAHA): the listing is an object keyed by group ID of Baileys' GroupMetadata,
// people are `@s.whatsapp.net`; in lid addressing ("noweb-lid") people are `@lid` with `phoneNumber`
// and the owner a lid with `ownerPn`. Add, remove, promote and demote answer per person
// `[{status, jid, content}]`; writes answer an empty body; DELETE is NotImplementedByEngineError; other
// failures are WAHA's 500 with Baileys' message. Sources: WAHA src/core/engines/noweb/session.noweb.core.ts
// and groups.noweb.ts; Baileys src/Socket/groups.ts (extractGroupMetadata, groupParticipantsUpdate).
import type { AddResult, ChangeResult, ModelError } from "../model.js";
import type { SbGroup, SbParticipant } from "../state.js";
import {
  exceptionError,
  nestError,
  type Persona,
  type PersonaDeps,
  participantsV2,
  sWhatsapp,
} from "./persona.js";

const WAHA_AT = "WhatsappSessionNoWebCore (/app/dist/core/engines/noweb/session.noweb.core.js)";

// Baileys throws a Boom carrying the WhatsApp server's error text
const BAILEYS_TEXT: Record<string, string> = {
  "not-found": "item-not-found",
  "not-participant": "forbidden",
  "not-admin": "not-authorized",
  creator: "not-acceptable",
};

const descId = (g: SbGroup) => `3EB0${g.creation.toString(16).toUpperCase()}`;

export function nowebPersona({ model, now }: PersonaDeps, lidMode: boolean): Persona {
  const idOf = (p: SbParticipant) => (lidMode || (p.lid && p.hidePn) ? model.lidOf(p) : sWhatsapp(p.jid));
  const participant = (p: SbParticipant) => {
    const id = idOf(p);
    const out: Record<string, unknown> = { id };
    if (id.endsWith("@lid") && !p.hidePn) out.phoneNumber = sWhatsapp(p.jid);
    // Baileys pairs every number with its privacy ID in pn groups
    if (!id.endsWith("@lid")) out.lid = model.lidOf(p);
    else if (!lidMode) out.lid = id;
    out.admin = p.role === "member" ? null : p.role;
    return out;
  };
  const metadata = (g: SbGroup, withParticipants: boolean) => {
    const ownerLid = model.lidOf({ jid: g.owner, role: "superadmin" });
    const owner = lidMode ? ownerLid : sWhatsapp(g.owner);
    return {
      id: g.id,
      addressingMode: lidMode ? "lid" : "pn",
      subject: g.subject,
      subjectOwner: owner,
      subjectTime: g.creation,
      size: g.participants.length,
      creation: g.creation,
      owner,
      ...(lidMode ? { ownerPn: sWhatsapp(g.owner) } : {}),
      // extractGroupMetadata sets the desc* keys only from a <description> node
      ...(g.description
        ? { desc: g.description, descId: descId(g), descOwner: owner, descTime: g.creation }
        : {}),
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
    listOrder: "asked",
    wholeCall: false,
    lacks: (m, path) => m === "DELETE" && /^\/groups\/[^/]+$/.test(path),
    unknownLid: "null",
    rejectsEmptyText: false,
    cachesPictures: true,
    startSettings: { announce: false, restrict: false },
    list: (page, withParticipants) =>
      Object.fromEntries(page.map((g) => [g.id, metadata(g, withParticipants)])),
    group: metadata,
    participants: (g) => g.participants.map(participant),
    participantsV2: (g) => participantsV2(g, model, lidMode, undefined, false),
    // the server lists a failed invitee with an error attribute that extractGroupMetadata drops, so
    // the reply shows them as a member though they were not added
    created: (g, results) => {
      const failed = results.filter((r) => r.code !== 200 && r.code !== 409);
      const shown = {
        ...g,
        participants: [...g.participants, ...failed.map((r) => ({ jid: r.jid, role: "member" as const }))],
      };
      return { ...metadata(shown, true), size: shown.participants.length };
    },
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
    // the setters return nothing, except setMembershipApprovalMode, which returns Baileys' `true`
    done: (op, setting) => ({
      status: 200,
      body: op === "picture" ? { success: true } : setting === "membership-approval" ? true : undefined,
    }),
    refused(e: ModelError, req) {
      if (e.reason === "bad-request") return nestError(400, e.message);
      // WAHA's getGroup looks the group up itself and throws its own text
      const id = /^\/groups\/([^/]+)$/.exec(req.path)?.[1];
      if (e.reason === "not-found" && req.method === "GET" && id)
        return exceptionError(`Group with id '${decodeURIComponent(id)}' not found`, req, now(), WAHA_AT);
      return exceptionError(BAILEYS_TEXT[e.reason] ?? e.message, req, now(), WAHA_AT);
    },
  };
}
