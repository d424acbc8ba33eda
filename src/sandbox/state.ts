import type { Role } from "../live/types.js";

export type Engine = "noweb" | "webjs" | "gows";

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
