// "wawp": the v2 API as Wawp's reference pages document it (wawp-api.md, "Endpoints"): the NOWEB-keyed
// listing, documented replies (`true`, `{success: true}`), whole-call refusals with their own status.
// The sandbox's default, and exactly what it answered before it learned the engines' quirks.
import type { ModelError } from "../model.js";
import type { SbGroup } from "../state.js";
import { nestError, type Persona, type PersonaDeps, participantsV2, sWhatsapp } from "./persona.js";

export function wawpPersona(deps: PersonaDeps): Persona {
  const group = (g: SbGroup, withParticipants: boolean) => ({
    id: g.id,
    subject: g.subject,
    creation: g.creation,
    owner: sWhatsapp(g.owner),
    desc: g.description,
    restrict: g.restrict,
    announce: g.announce,
    memberAddMode: g.memberAddAll,
    joinApprovalMode: g.approval,
    size: g.participants.length,
    ...(withParticipants
      ? {
          participants: g.participants.map((p) => ({
            id: p.lid ? p.lid : sWhatsapp(p.jid),
            ...(p.lid && !p.hidePn ? { phoneNumber: sWhatsapp(p.jid) } : {}),
            admin: p.role === "member" ? null : p.role,
          })),
        }
      : {}),
  });
  return {
    engine: "wawp",
    listOrder: "asked",
    wholeCall: true,
    lacks: () => false,
    unknownLid: "null",
    rejectsEmptyText: false,
    cachesPictures: false,
    startSettings: { announce: false, restrict: false },
    list: (page, withParticipants) => Object.fromEntries(page.map((g) => [g.id, group(g, withParticipants)])),
    group,
    participants: (g) =>
      g.participants.map((p) => ({
        id: p.lid && p.hidePn ? p.lid : p.jid,
        isAdmin: p.role !== "member",
        isSuperAdmin: p.role === "superadmin",
      })),
    participantsV2: (g) => participantsV2(g, deps.model, false, null),
    created: (g, results) => ({
      id: g.id,
      subject: g.subject,
      creation: g.creation,
      owner: g.owner,
      participants: Object.fromEntries(
        results.map((r) => [r.jid, { code: r.code, message: r.message, isInviteV4Sent: r.invite }]),
      ),
    }),
    added: (_g, results) => results.map((r) => ({ jid: sWhatsapp(r.jid), status: String(r.code) })),
    changed: (_g, action, results) =>
      action === "remove" ? results.map((r) => ({ jid: r.jid, status: String(r.code) })) : { ok: true },
    done: (op) => ({
      status: 200,
      body: op === "subject" || op === "description" || op === "setting" ? true : { success: true },
    }),
    refused: (e: ModelError) => nestError(e.status, e.message),
  };
}
