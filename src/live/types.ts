// The live state as the reconciler sees it, whatever engine answered, and the narrow interfaces the
// core uses to read and change it. The Wawp HTTP client and the sandbox both implement them.
import type { SettingKey, Settings } from "../manifest/types.js";

export type Role = "member" | "admin" | "superadmin";

export interface LiveParticipant {
  /** `<digits>@c.us`, or the `@lid` itself when no phone number is known for it */
  jid: string;
  role: Role;
  /** the privacy ID, when the engine gave one */
  lid?: string;
}

export interface LiveGroup {
  id: string;
  subject: string;
  /** undefined: the engine did not say */
  description?: string;
  /** creator (`@c.us`), when known */
  owner?: string;
  /** creation time, Unix seconds */
  creation?: number;
  /** a key is absent when the engine did not report that setting */
  settings: Partial<Settings>;
  /** undefined when the listing carried no participants */
  participants?: LiveParticipant[];
  /** IDs the engine listed that name no person (`@c.us`, a group ID, too few digits): warn, never act on */
  invalidParticipants?: string[];
  size?: number;
  /** filled by the reader only when a manifest declares an icon */
  picture?: {
    url: string | null;
    /** of the bytes the engine serves (they never equal the uploaded file: engines re-encode) */
    sha256?: string;
    /** perceptual hash (src/image): how the picture looks, unchanged by re-encoding */
    hash?: string;
  };
  /** labels on the group chat, filled only when a manifest declares labels */
  labels?: string[];
  /** person jid -> Unix seconds of the newest invite we sent them for this group */
  invitesSent?: Record<string, number>;
  /** filled for retired groups with a farewell */
  farewellSent?: boolean;
  /** filled for a group the instance created lately whose manifest has a welcome */
  welcomeSent?: boolean;
  /** why the reads this group needed failed: the planner blocks it, the others go on */
  unreadable?: string;
}

export interface Live {
  groups: LiveGroup[];
  /** icon file sha256 -> its perceptual hash, for the icons the manifests in scope declare */
  iconHashes?: Record<string, string>;
  /** label name -> id, when labels were read */
  labelIds?: Record<string, string>;
  /** the account's labels with their colours, when labels were read */
  labels?: LiveLabel[];
  /** person -> Unix seconds of the newest message they wrote to the instance (warm-up), for those read */
  heardFrom?: Record<string, number>;
  /** what the reader could not read (an engine without the endpoint), for the plan's warnings */
  notes?: { code: string; serial?: string; message: string }[];
}

export interface AddOutcome {
  jid: string;
  /** 200 added, 403 privacy, 408 left recently, 409 already in, 417 community, 419 full, 404 not on WhatsApp */
  code: number;
  message?: string;
  /** the engine already sent the person its own invite */
  inviteSent?: boolean;
}

export interface ChatMessage {
  id: string;
  timestamp: number;
  fromMe: boolean;
  body: string;
}

export interface LiveLabel {
  id: string;
  name: string;
  /** WhatsApp's palette index, 0–19, when known */
  color?: number;
  colorHex?: string;
}

/** Which messages of a chat to read: the newest `limit`, or every one since `sinceUnix`. */
export interface MessageQuery {
  /** page size; without sinceUnix, the number read */
  limit: number;
  /** Unix seconds: read (paging) until messages this old are covered */
  sinceUnix?: number;
  fromMe?: boolean;
}

export interface LiveReader {
  listGroups(): Promise<LiveGroup[]>;
  getParticipants(id: string): Promise<LiveParticipant[]>;
  /** the same read, with the IDs that name no person kept apart */
  readParticipants(id: string): Promise<{ participants: LiveParticipant[]; invalidParticipants: string[] }>;
  getSetting<K extends SettingKey>(id: string, key: K): Promise<Settings[K]>;
  getPicture(id: string): Promise<{ url: string | null }>;
  download(url: string): Promise<Uint8Array>;
  getInviteCode(id: string): Promise<string>;
  recentMessages(chatId: string, query: number | MessageQuery): Promise<ChatMessage[]>;
  listLabels(): Promise<LiveLabel[]>;
  chatLabels(chatId: string): Promise<LiveLabel[]>;
}

export interface Mutator {
  createGroup(subject: string, participants: string[]): Promise<{ id: string; outcomes: AddOutcome[] }>;
  setSubject(id: string, subject: string): Promise<void>;
  setDescription(id: string, description: string): Promise<void>;
  setPicture(id: string, file: { data: string; mimetype: string; filename: string }): Promise<void>;
  setSetting<K extends SettingKey>(id: string, key: K, value: Settings[K]): Promise<void>;
  addParticipants(id: string, jids: string[]): Promise<AddOutcome[]>;
  /** per person: 200 done, otherwise the engine's refusal (code 0: the answer did not say) */
  removeParticipants(id: string, jids: string[]): Promise<AddOutcome[]>;
  promote(id: string, jids: string[]): Promise<AddOutcome[]>;
  demote(id: string, jids: string[]): Promise<AddOutcome[]>;
  leave(id: string): Promise<void>;
  deleteGroup(id: string): Promise<void>;
  sendText(chatId: string, message: string): Promise<void>;
  /** color: palette index 0–19, or a hex string */
  createLabel(name: string, color: number | string): Promise<LiveLabel>;
  updateLabel(id: string, change: { name: string; color: number | string }): Promise<void>;
  /** replaces the chat's whole label set */
  setChatLabels(chatId: string, labelIds: string[]): Promise<void>;
}

export type Wawp = LiveReader & Mutator;
