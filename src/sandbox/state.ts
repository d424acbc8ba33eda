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

/**
 * How the server behind the instance differs from a current WAHA on a Business number. All off by
 * default; `sandbox serve --quirks` turns them on.
 */
export interface ServerQuirks {
  /** a WAHA older than participants/v2, /groups/count and the member-add-mode and
   * membership-approval settings routes: they answer NestJS's 404 "Cannot GET …" */
  oldServer?: boolean;
  /** not a WhatsApp Business number: every label route is refused */
  notBusiness?: boolean;
  /** NOWEB started without its store: labels and chat messages answer 400 "Enable NOWEB store" */
  nowebStoreOff?: boolean;
  /** GOWS has not fetched the groups in full: listings carry `Participants: null` */
  participantsNull?: boolean;
}

export const QUIRKS = {
  "old-server": "oldServer",
  "not-business": "notBusiness",
  "noweb-store-off": "nowebStoreOff",
  "participants-null": "participantsNull",
} as const satisfies Record<string, keyof ServerQuirks>;

/** `old-server,not-business` -> the quirks; an unknown name is a one-line error naming where. */
export function parseQuirks(value: string, where: string): ServerQuirks {
  const out: ServerQuirks = {};
  for (const name of value
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean)) {
    const key = (QUIRKS as Record<string, keyof ServerQuirks>)[name];
    if (!key)
      throw new UsageError(`${where}: unknown quirk "${name}" (known: ${Object.keys(QUIRKS).join(", ")})`);
    out[key] = true;
  }
  return out;
}

export interface SandboxState {
  version: 1;
  /** the instance's own jid */
  self: string;
  engine: Engine;
  /** absent in older state files: a current server, Business number */
  quirks?: ServerQuirks;
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
