// What an engine persona is: the raw bodies one engine sends for the model's engine-neutral answers,
// and the quirks that set it apart. The mirror of src/wawp/normalize.ts, which reads these back.
import type { AddResult, ChangeResult, ModelError, WhatsAppModel } from "../model.js";
import type { Engine, SbGroup, SbParticipant } from "../state.js";

/** A write that succeeded, or was refused in the engine's own way (WEBJS: 200 `false`). */
export type WriteOp = "subject" | "description" | "setting" | "picture" | "leave" | "delete" | "labels";

export interface Reply {
  status: number;
  /** undefined: an empty body (NestJS sends nothing when a handler returns nothing) */
  body: unknown;
}

export interface RequestInfo {
  method: string;
  /** the path as the client sent it, for "Cannot GET …" and WAHA's 500 bodies */
  path: string;
}

export interface Persona {
  readonly engine: Engine;
  /** pages follow chat activity whatever `sortBy` asks, and shift as chats move (WEBJS) */
  readonly ignoresSort: boolean;
  /** remove/promote/demote fail as a whole on one refusal (documented) or answer per person */
  readonly wholeCall: boolean;
  /** DELETE /groups/{id} is NotImplementedByEngineError (422) */
  readonly deleteMissing: boolean;
  /** an empty subject or description is refused with 400 before anything (GOWS) */
  readonly rejectsEmptyText: boolean;
  /** the picture URL is cached until `?refresh=true` (WAHA's engines) */
  readonly cachesPictures: boolean;
  /** the settings a group created without options starts with */
  readonly startSettings: { announce: boolean; restrict: boolean };
  /** a listing page: the page's groups in order -> the body */
  list(page: SbGroup[], withParticipants: boolean): unknown;
  group(g: SbGroup, withParticipants: boolean): unknown;
  /** `GET /groups/{id}/participants`: the engine's raw participant list */
  participants(g: SbGroup): unknown;
  created(g: SbGroup, results: AddResult[]): unknown;
  added(g: SbGroup, results: AddResult[]): unknown;
  changed(g: SbGroup, action: "remove" | "promote" | "demote", results: ChangeResult[]): unknown;
  /** the body of a successful write */
  done(op: WriteOp): Reply;
  /** a refusal by WhatsApp's rules, in the engine's error shape */
  refused(e: ModelError, req: RequestInfo): Reply;
}

/** Everything a persona may ask the model while dressing an answer. */
export interface PersonaDeps {
  model: WhatsAppModel;
  now: () => number;
}

// ---- the shapes several engines share ----

export const sWhatsapp = (jid: string): string => jid.replace(/@c\.us$/, "@s.whatsapp.net");

/** NestJS's own error body (`HttpException.getResponse()`), which WAHA passes on as it is. */
export const nestError = (status: number, message: string): Reply => ({
  status,
  body: {
    statusCode: status,
    message,
    error:
      {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        422: "Unprocessable Entity",
      }[status] ?? "Error",
  },
});

/** WAHA's AllExceptionsFilter: anything that is not an HttpException becomes this 500. */
export function exceptionError(message: string, req: RequestInfo, now: number): Reply {
  return {
    status: 500,
    body: {
      statusCode: 500,
      timestamp: new Date(now).toISOString(),
      exception: { message, name: "Error" },
      request: { path: req.path, method: req.method },
    },
  };
}

export const NOT_IMPLEMENTED = "The method is not implemented by the engine.";

/** `GET /groups/{id}/participants/v2`: the same `{id, pn, role}` on every engine (WAHA ≥ 2025.11). */
export function participantsV2(g: SbGroup, model: WhatsAppModel, byLid: boolean): unknown {
  return g.participants.map((p) => ({
    id: byLid || (p.lid && p.hidePn) ? model.lidOf(p) : p.jid,
    pn: p.hidePn ? null : p.jid,
    role: p.role === "member" ? "participant" : p.role,
  }));
}

/** The per-person add codes' wording, as whatsapp-web.js words them. */
export function addMessage(code: number): string {
  return (
    {
      200: "The participant was added successfully",
      403: "The participant can be added by sending private invitation only",
      404: "The phone number is not registered on WhatsApp",
      408: "You cannot add this participant because they recently left the group",
      409: "The participant is already a group member",
      419: "The participant can't be added because the group is full",
    }[code] ?? "Unknown error"
  );
}

/** Whether an engine shows this person by privacy ID. */
export const shownByLid = (p: SbParticipant, lidMode: boolean): boolean =>
  lidMode || Boolean(p.lid && p.hidePn);
