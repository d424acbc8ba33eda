// GOWS (whatsmeow behind WAHA): groups are whatsmeow's GroupInfo in PascalCase (`Participants: null` in
// listings of groups it has not fetched in full: the participants-null quirk); add/remove/promote/demote
// answer the GroupParticipant array with `Error` codes and an `AddRequest` for an invitation, an empty
// subject or description is a 400, writes answer nothing, and DELETE is NotImplementedByEngineError.
// Sources: WAHA src/core/engines/gows/session.gows.core.ts, types.group.ts, groups.validation.ts;
// whatsmeow types/group.go.
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

// Go's time.Time marshals as RFC 3339 without milliseconds when they are zero
const ZERO_TIME = "0001-01-01T00:00:00Z";
const goTime = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().replace(".000Z", "Z");

// whatsmeow's IQ errors, as WAHA passes them on in exception.message
const WHATSMEOW_TEXT: Record<string, string> = {
  "not-found": "failed to get group info: info query returned status 404: item-not-found",
  "not-participant": "info query returned status 403: forbidden",
  "not-admin": "info query returned status 403: forbidden",
  creator: "info query returned status 406: not-acceptable",
};

const WAHA_AT = "callErrorFromStatus (/app/node_modules/@grpc/grpc-js/build/src/call.js)";

export function gowsPersona({ model, now }: PersonaDeps): Persona {
  const participant = (p: SbParticipant, error = 0, addRequest: unknown = null) => {
    const hidden = Boolean(p.lid && p.hidePn);
    return {
      JID: hidden ? model.lidOf(p) : sWhatsapp(p.jid),
      PhoneNumber: hidden ? "" : sWhatsapp(p.jid),
      LID: model.lidOf(p),
      IsAdmin: p.role !== "member",
      IsSuperAdmin: p.role === "superadmin",
      DisplayName: "",
      Error: error,
      AddRequest: addRequest,
    };
  };
  const info = (g: SbGroup, participants: "full" | "null" | "none") => ({
    JID: g.id,
    OwnerJID: sWhatsapp(g.owner),
    OwnerPN: sWhatsapp(g.owner),
    Name: g.subject,
    NameSetAt: goTime(g.creation),
    NameSetBy: sWhatsapp(g.owner),
    NameSetByPN: sWhatsapp(g.owner),
    // an unset Go time and JID marshal as the zero time and ""
    Topic: g.description,
    TopicID: g.description ? `3EB0${g.creation.toString(16).toUpperCase()}` : "",
    TopicSetAt: g.description ? goTime(g.creation) : ZERO_TIME,
    TopicSetBy: g.description ? sWhatsapp(g.owner) : "",
    TopicSetByPN: g.description ? sWhatsapp(g.owner) : "",
    TopicDeleted: false,
    IsLocked: g.restrict,
    IsAnnounce: g.announce,
    AnnounceVersionID: `${g.creation}`,
    IsEphemeral: false,
    DisappearingTimer: 0,
    IsIncognito: false,
    IsParent: false,
    DefaultMembershipApprovalMode: "",
    LinkedParentJID: "",
    IsDefaultSubGroup: false,
    IsJoinApprovalRequired: g.approval,
    AddressingMode: "pn",
    GroupCreated: goTime(g.creation),
    CreatorCountryCode: "",
    ParticipantVersionID: `${g.creation}`,
    ...(participants === "none"
      ? {}
      : { Participants: participants === "full" ? g.participants.map((p) => participant(p)) : null }),
    ParticipantCount: g.participants.length,
    MemberAddMode: g.memberAddAll ? "all_member_add" : "admin_add",
    Suspended: false,
  });
  const person = (g: SbGroup, jid: string): SbParticipant => model.find(g, jid) ?? { jid, role: "member" };
  const addRequest = (g: SbGroup) => ({
    Code: g.inviteCode,
    Expiration: goTime(Math.floor(now() / 1000) + 3 * 86_400),
  });
  const added = (g: SbGroup, results: AddResult[]) =>
    results.map((r) =>
      participant(person(g, r.jid), r.code === 200 ? 0 : r.code, r.code === 403 ? addRequest(g) : null),
    );
  return {
    engine: "gows",
    listOrder: "asked",
    wholeCall: false,
    lacks: (m, path) => m === "DELETE" && /^\/groups\/[^/]+$/.test(path),
    unknownLid: "null",
    rejectsEmptyText: true,
    cachesPictures: true,
    startSettings: { announce: false, restrict: false },
    list: (page, withParticipants) =>
      page.map((g) =>
        info(g, !withParticipants ? "none" : model.state.quirks?.participantsNull ? "null" : "full"),
      ),
    group: (g, withParticipants) => info(g, withParticipants ? "full" : "none"),
    participants: (g) => g.participants.map((p) => participant(p)),
    participantsV2: (g) => participantsV2(g, model, false, ""),
    created: (g, results) => ({
      ...info(g, "full"),
      Participants: [
        ...g.participants.map((p) => participant(p)),
        ...added(
          g,
          results.filter((r) => r.code !== 200),
        ),
      ],
    }),
    added,
    changed: (g, _action, results: ChangeResult[]) =>
      results.map((r) => participant(person(g, r.jid), r.code === 200 ? 0 : r.code)),
    done: (op) => ({ status: 200, body: op === "picture" ? { success: true } : undefined }),
    refused(e: ModelError, req) {
      if (e.reason === "bad-request") return nestError(400, e.message);
      // grpc-js prefixes the Go error with its status (not verified against a running GOWS)
      return exceptionError(`2 UNKNOWN: ${WHATSMEOW_TEXT[e.reason] ?? e.message}`, req, now(), WAHA_AT);
    },
  };
}
