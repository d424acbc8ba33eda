// WEBJS (whatsapp-web.js behind WAHA): groups are serialized Chat objects with a `groupMetadata`, IDs
// are `{server, user, _serialized}`, the listing follows chat activity whatever `sortBy` says, a setter
// the instance may not use answers 200 `false`, a failed create or add is a plain string.
// Sources: WAHA src/core/engines/webjs/session.webjs.core.ts, groups.webjs.ts; whatsapp-web.js
// src/structures/GroupChat.js and src/Client.js (createGroup).
import type { ModelError } from "../model.js";
import type { SbGroup } from "../state.js";
import {
  addMessage,
  exceptionError,
  nestError,
  type Persona,
  type PersonaDeps,
  participantsV2,
} from "./persona.js";

const PUPPETEER = "ExecutionContext._evaluateInternal (/app/node_modules/puppeteer-core/lib/cjs/...)";
const descId = (g: SbGroup) => `3EB0${g.creation.toString(16).toUpperCase()}`;
const wid = (s: string) => ({ server: s.split("@")[1], user: s.split("@")[0], _serialized: s });

// the routes whose whatsapp-web.js call returns a boolean instead of throwing
const BOOLEAN_SETTERS = /\/(subject|description|settings\/security\/[\w-]+)$/;

// whatsapp-web.js catches any failure of createGroup and returns this text (its typo included)
const CREATE_ERROR = "CreateGroupError: An unknown error occupied while creating a group";
const ADD_NOT_ADMIN = "AddParticipantsError: You have no admin rights to add a participant to a group";

export function webjsPersona({ model, now }: PersonaDeps): Persona {
  const chat = (g: SbGroup, withParticipants: boolean) => {
    const shown = g.participants.map((p) => ({
      id: wid(p.lid && p.hidePn ? p.lid : p.jid),
      isAdmin: p.role !== "member",
      isSuperAdmin: p.role === "superadmin",
    }));
    return {
      id: wid(g.id),
      name: g.subject,
      isGroup: true,
      isReadOnly: false,
      unreadCount: 0,
      timestamp: Math.floor((g.activity ?? g.creation * 1000) / 1000),
      archived: false,
      pinned: false,
      isLocked: false,
      isMuted: false,
      muteExpiration: 0,
      groupMetadata: {
        id: wid(g.id),
        creation: g.creation,
        owner: wid(g.owner),
        subject: g.subject,
        subjectTime: g.creation,
        // WhatsApp Web's model has no desc (nor descId) until a description was set
        ...(g.description ? { desc: g.description, descId: descId(g) } : {}),
        restrict: g.restrict,
        announce: g.announce,
        noFrequentlyForwarded: false,
        ephemeralDuration: 0,
        memberAddMode: g.memberAddAll ? "all_member_add" : "admin_add",
        // whatsapp-web.js hands over WhatsApp Web's own 1/0 here, not a boolean
        membershipApprovalMode: g.approval ? 1 : 0,
        size: g.participants.length,
        support: false,
        suspended: false,
        isLidAddressingMode: g.participants.some((p) => p.lid && p.hidePn),
        isParentGroup: false,
        defaultSubgroup: false,
        generalSubgroup: false,
        incognito: false,
        // WAHA's exclude=participants deletes all four lists (removeGroupsFieldParticipant)
        ...(withParticipants
          ? {
              participants: shown,
              pendingParticipants: [],
              pastParticipants: [],
              membershipApprovalRequests: [],
            }
          : {}),
      },
    };
  };
  return {
    engine: "webjs",
    listOrder: "activity",
    wholeCall: true,
    // promote/demote/remove map the ids through the chat's participants and drop the unknown ones
    skipsStrangers: true,
    lacks: () => false,
    unknownLid: "null",
    rejectsEmptyText: false,
    cachesPictures: true,
    // createGroup without options passes announce false and restrict false (whatsapp-web.js Client.js)
    startSettings: { announce: false, restrict: false },
    list: (page, withParticipants) => page.map((g) => chat(g, withParticipants)),
    group: chat,
    participants: (g) => (chat(g, true).groupMetadata.participants ?? []) as unknown[],
    participantsV2: (g) => participantsV2(g, model, false, null),
    created: (g, results) => ({
      title: g.subject,
      gid: wid(g.id),
      participants: Object.fromEntries([
        [
          g.owner,
          {
            statusCode: 200,
            message: addMessage(200),
            isGroupCreator: true,
            isInviteV4Sent: false,
          },
        ],
        ...results.map((r) => [
          r.jid,
          {
            statusCode: r.code,
            message: addMessage(r.code),
            isGroupCreator: false,
            isInviteV4Sent: r.invite,
          },
        ]),
      ]),
    }),
    added: (_g, results) =>
      Object.fromEntries(
        results.map((r) => [r.jid, { code: r.code, message: addMessage(r.code), isInviteV4Sent: r.invite }]),
      ),
    changed: () => ({ status: 200 }),
    done: (op) => {
      if (op === "subject" || op === "description" || op === "setting" || op === "delete")
        return { status: 200, body: true };
      if (op === "picture") return { status: 200, body: { success: true } };
      return { status: 200, body: undefined };
    },
    refused(e: ModelError, req) {
      const mayNot = e.reason === "not-admin" || e.reason === "not-participant";
      if (mayNot && req.method === "PUT" && BOOLEAN_SETTERS.test(req.path))
        return { status: 200, body: false };
      if (mayNot && req.path.endsWith("/participants/add")) return { status: 200, body: ADD_NOT_ADMIN };
      // WAHA answers 201 with whatever createGroup returned, here its error text
      if (req.method === "POST" && req.path === "/groups") return { status: 201, body: CREATE_ERROR };
      if (e.reason === "bad-request") return nestError(400, e.message);
      // anything else failed inside the browser page: puppeteer's wording, WAHA's 500
      return exceptionError(`Evaluation failed: Error: ${e.message}`, req, now(), PUPPETEER);
    },
  };
}
