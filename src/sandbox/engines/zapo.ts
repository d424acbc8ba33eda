// ZAPO (WAHA's newer engine): an array of WAHA's own GroupInfo-like objects `{id, subject, description,
// owner, creation, participants: [{id, role}], _data}` with the engine's raw object in `_data` and no
// settings at the top level (read them through the settings routes). Source: wawp-api.md, "What real
// engines send"; the wider behaviour follows WAHA's common controllers.
import type { ModelError } from "../model.js";
import type { SbGroup } from "../state.js";
import { addMessage, nestError, type Persona, type PersonaDeps } from "./persona.js";

export function zapoPersona({ model }: PersonaDeps): Persona {
  const group = (g: SbGroup, withParticipants: boolean) => ({
    id: g.id,
    subject: g.subject,
    description: g.description,
    owner: g.owner,
    creation: g.creation,
    ...(withParticipants
      ? {
          participants: g.participants.map((p) => ({
            id: p.lid && p.hidePn ? model.lidOf(p) : p.jid,
            role: p.role === "member" ? "participant" : p.role,
          })),
        }
      : {}),
    _data: { id: g.id, size: g.participants.length, creation: g.creation },
  });
  return {
    engine: "zapo",
    ignoresSort: false,
    wholeCall: true,
    deleteMissing: false,
    rejectsEmptyText: false,
    cachesPictures: true,
    startSettings: { announce: false, restrict: false },
    list: (page, withParticipants) => page.map((g) => group(g, withParticipants)),
    group,
    participants: (g) => group(g, true).participants,
    created: (g) => group(g, true),
    added: (_g, results) =>
      Object.fromEntries(
        results.map((r) => [r.jid, { code: r.code, message: addMessage(r.code), isInviteV4Sent: r.invite }]),
      ),
    changed: (_g, _action, results) => results.map((r) => ({ jid: r.jid, status: String(r.code) })),
    done: (op) => ({
      status: 200,
      body: op === "subject" || op === "description" || op === "setting" ? true : { success: true },
    }),
    refused: (e: ModelError) => nestError(e.status, e.message),
  };
}
