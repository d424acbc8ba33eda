import { UsageError } from "../errors.js";
import type { Role } from "../live/types.js";

/**
 * Which server the sandbox plays. "wawp" answers as Wawp's v2 reference documents (the default, and
 * what the sandbox always did); the others answer with the raw shapes and quirks of WAHA's engines.
 */
export const ENGINES = ["wawp", "webjs", "noweb", "noweb-lid", "gows", "zapo"] as const;
export type Engine = (typeof ENGINES)[number];

export const isEngine = (v: unknown): v is Engine => (ENGINES as readonly unknown[]).includes(v);

export interface SbParticipant {
  /** `<digits>@c.us` */
  jid: string;
  role: Role;
  /** when set, the engine shows this person by privacy ID */
  lid?: string;
  /** with `lid`: the engine does not know the phone number either */
  hidePn?: boolean;
}

export interface SbGroup {
  id: string;
  subject: string;
  description: string;
  /** creator, `<digits>@c.us` */
  owner: string;
  /** Unix seconds */
  creation: number;
  announce: boolean;
  restrict: boolean;
  memberAddAll: boolean;
  approval: boolean;
  participants: SbParticipant[];
  /** sha256 of a file in `files` */
  picture?: string;
  inviteCode: string;
  labels: string[];
  /** Unix ms of the last message or change: WEBJS lists chats by it */
  activity?: number;
}

export interface SbMessage {
  id: string;
  timestamp: number;
  fromMe: boolean;
  body: string;
}

export interface SandboxState {
  version: 1;
  /** the instance's own jid */
  self: string;
  engine: Engine;
  groups: SbGroup[];
  /** numbers whose privacy settings allow only invitations (add answers 403) */
  privacyRestricted: string[];
  /** numbers not on WhatsApp (add answers 404) */
  notOnWhatsApp: string[];
  /** the engine sends its own invite on a 403 (isInviteV4Sent) */
  inviteV4: boolean;
  /** chat id -> messages, newest last */
  messages: Record<string, SbMessage[]>;
  labels: { id: string; name: string; color: number }[];
  files: Record<string, { mimetype: string; data: string }>;
  counter: number;
}

/** An engine named by a flag or a variable; anything else is a one-line error naming where. */
export function parseEngine(value: string, where: string): Engine {
  if (isEngine(value)) return value;
  throw new UsageError(`${where} must be one of ${ENGINES.join(", ")} (got "${value}")`);
}

/** The in-process sandbox's engine from `WAGROUPS_SANDBOX_ENGINE`; unset or empty: the state's own. */
export function sandboxEngine(env: Record<string, string | undefined>): Engine | undefined {
  const v = env.WAGROUPS_SANDBOX_ENGINE?.trim();
  return v ? parseEngine(v, "WAGROUPS_SANDBOX_ENGINE") : undefined;
}
