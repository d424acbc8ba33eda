// ZAPO (WAHA's newer engine, in WAHA forks): an array of `{id, subject, description|null, owner,
// creation, participants: [{id, role}], _data}` with no settings at the top level (only in `_data`, the
// raw zapo-js WaGroupMetadata); on a lid group the ids are `@lid` and the numbers only in
// `_data.participants[].phoneNumber`. `exclude=participants` is ignored; add, remove, promote, demote
// and every write answer 200 with an empty body; no delete, no labels, no member-add-mode getter (422);
// an unknown lid is a 404. Sources: bergpinheiro/waha src/core/engines/zapo/session.zapo.core.ts and
// converters.ts; bellinatiperez/waha src/core/engines/zapo/lids.test.ts; wppconnect-team/zapo
// src/client/coordinators/WaGroupCoordinator.ts.
import type { ModelError } from "../model.js";
import type { SbGroup, SbParticipant } from "../state.js";
import {
  exceptionError,
  nestError,
  type Persona,
  type PersonaDeps,
  shownByLid,
  sWhatsapp,
  v2Role,
} from "./persona.js";

const WAHA_AT = "WhatsappSessionZapoCore (/app/dist/core/engines/zapo/session.zapo.core.js)";
// the routes WAHA's controllers have and ZAPO's session does not implement
const LACKS = [
  /^DELETE \/groups\/[^/]+$/,
  /^GET \/groups\/[^/]+\/settings\/security\/member-add-mode$/,
  /^\w+ \/labels(\/|$)/,
];

export function zapoPersona({ model, now }: PersonaDeps): Persona {
  // a group is addressed by lid once someone in it is known only by a privacy ID
  const byLid = (g: SbGroup) => g.participants.some((p) => p.lid && p.hidePn);
  const cus = (g: SbGroup, p: SbParticipant) => (shownByLid(p, byLid(g)) ? model.lidOf(p) : p.jid);
  const raw = (g: SbGroup, p: SbParticipant) => ({
    jid: shownByLid(p, byLid(g)) ? model.lidOf(p) : sWhatsapp(p.jid),
    type: v2Role(p),
    isAdmin: p.role !== "member",
    isSuperAdmin: p.role === "superadmin",
    lid: model.lidOf(p),
    ...(p.hidePn ? {} : { phoneNumber: sWhatsapp(p.jid) }),
  });
  const metadata = (g: SbGroup) => {
    const lid = byLid(g);
    const owner = lid ? model.lidOf({ jid: g.owner, role: "superadmin" }) : sWhatsapp(g.owner);
    return {
      jid: g.id,
      subject: g.subject,
      subjectOwner: owner,
      subjectTime: g.creation,
      owner,
      creation: g.creation,
      ...(g.description
        ? { desc: g.description, descId: `3EB0${g.creation.toString(16).toUpperCase()}`, descOwner: owner }
        : {}),
      restrict: g.restrict,
      announce: g.announce,
      ephemeral: 0,
      size: g.participants.length,
      addressingMode: lid ? "lid" : "pn",
      isParentGroup: false,
      isClosedCommunity: false,
      defaultSubgroup: false,
      generalSubgroup: false,
      hiddenSubgroup: false,
      allowNonAdminSubGroupCreation: false,
      membershipApprovalEnabled: g.approval,
      noFrequentlyForwarded: false,
      support: false,
      suspended: false,
      incognito: false,
      allowAdminReports: false,
      autoAddDisabled: false,
      groupHistory: false,
      capi: false,
      groupSafetyCheck: false,
      participantLabelEnabled: false,
      limitSharingEnabled: false,
      memberAddMode: g.memberAddAll ? "all_member_add" : "admin_add",
      participants: g.participants.map((p) => raw(g, p)),
    };
  };
  const participants = (g: SbGroup) => g.participants.map((p) => ({ id: cus(g, p), role: v2Role(p) }));
  // toGroup: toCusFormat of the owner, which stays a lid on a lid group
  const group = (g: SbGroup) => ({
    id: g.id,
    subject: g.subject,
    description: g.description || null,
    owner: byLid(g) ? model.lidOf({ jid: g.owner, role: "superadmin" }) : g.owner,
    creation: g.creation,
    participants: participants(g),
    _data: metadata(g),
  });
  const empty = { status: 200, body: undefined };
  return {
    engine: "zapo",
    listOrder: "stored",
    wholeCall: false,
    lacks: (m, path) => LACKS.some((r) => r.test(`${m} ${path}`)),
    unknownLid: "404",
    rejectsEmptyText: false,
    cachesPictures: true,
    startSettings: { announce: false, restrict: false },
    // queryAllGroups then slice: the whole group every time, exclude=participants or not
    list: (page) => page.map(group),
    group,
    participants,
    participantsV2: participants,
    created: group,
    added: () => undefined,
    changed: () => undefined,
    done: () => empty,
    refused(e: ModelError, req) {
      if (e.reason === "bad-request") return nestError(400, e.message);
      return exceptionError(e.message, req, now(), WAHA_AT);
    },
  };
}
