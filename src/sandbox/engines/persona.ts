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
  /** what WAHA's exception filter echoes back */
  query?: Record<string, unknown>;
  body?: unknown;
}

export interface Persona {
  readonly engine: Engine;
  /**
   * How a listing is ordered: as `sortBy` asks; by chat activity whatever it asks, shifting as chats
   * move (WEBJS); or in the engine's own stored order, `sortBy` ignored (ZAPO slices its list).
   */
  readonly listOrder: "asked" | "activity" | "stored";
  /** remove/promote/demote fail as a whole on one refusal (documented) or answer per person */
  readonly wholeCall: boolean;
  /** with `wholeCall`: people not in the group are dropped from the call instead of failing it (WEBJS) */
  readonly skipsStrangers?: boolean;
  /** a route the engine lacks though WAHA's controller has it: NotImplementedByEngineError (422) */
  lacks(method: string, path: string): boolean;
  /** `GET /lids/{lid}` for a lid nobody's number is known for: 200 `pn: null`, or ZAPO's 404 */
  readonly unknownLid: "null" | "404";
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
  /** `GET /groups/{id}/participants/v2`: `{id, pn, role}`, with `pn` as this engine fills it */
  participantsV2(g: SbGroup): unknown;
  created(g: SbGroup, results: AddResult[]): unknown;
  added(g: SbGroup, results: AddResult[]): unknown;
  changed(g: SbGroup, action: "remove" | "promote" | "demote", results: ChangeResult[]): unknown;
  /** the body of a successful write; `setting` names the settings route */
  done(op: WriteOp, setting?: string): Reply;
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

// Wawp's gateway takes its credentials off the query before WAHA sees it, so the echo never holds them
const CREDENTIALS = new Set(["instance_id", "access_token"]);

/**
 * WAHA's AllExceptionsFilter: anything that is not an HttpException becomes this 500, echoing the
 * request and the server's version (api/exception.filter.ts).
 */
export function exceptionError(message: string, req: RequestInfo, now: number, where: string): Reply {
  const query = Object.fromEntries(Object.entries(req.query ?? {}).filter(([k]) => !CREDENTIALS.has(k)));
  return {
    status: 500,
    body: {
      statusCode: 500,
      timestamp: new Date(now).toISOString(),
      exception: { stack: `Error: ${message}\n    at ${where}`, message, name: "Error" },
      request: { path: req.path, method: req.method, body: req.body ?? {}, query },
      version: { version: WAHA_VERSION, engine: "", tier: "CORE", browser: null },
    },
  };
}

/** The WAHA release the personas play: one with /groups/count, participants/v2 and every settings route. */
export const WAHA_VERSION = "2026.7.2";

export const NOT_IMPLEMENTED = "The method is not implemented by the engine.";

/** WAHA's v2 role names. */
export const v2Role = (p: SbParticipant): string => (p.role === "member" ? "participant" : p.role);

/**
 * `GET /groups/{id}/participants/v2` (WAHA ≥ 2025.11): `{id, pn, role}` where `pn` is what the engine
 * knows of the number, `toCusFormat` of it: `unknownPn` is what an unknown one becomes (WEBJS null,
 * GOWS ""; `undefined` leaves the key out, as NOWEB does) and `pnWhenNumber` whether a number-addressed
 * member gets `pn` at all (NOWEB pn groups do not: the id is already the number).
 */
export function participantsV2(
  g: SbGroup,
  model: WhatsAppModel,
  byLid: boolean,
  unknownPn: null | "" | undefined,
  pnWhenNumber = true,
): unknown {
  return g.participants.map((p) => {
    const lid = shownByLid(p, byLid);
    const pn = p.hidePn ? unknownPn : lid || pnWhenNumber ? p.jid : undefined;
    return {
      id: lid ? model.lidOf(p) : p.jid,
      ...(pn !== undefined ? { pn } : {}),
      role: v2Role(p),
    };
  });
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
