// WhatsApp's own rules over the sandbox's state, the same whichever engine the sandbox plays: who may
// see and change a group, the 1,024 cap, the creator, privacy refusals, messages, labels, privacy IDs.
// Every answer here is engine-neutral; src/sandbox/engines/ dresses it in an engine's raw shape.
import { createHash, randomBytes } from "node:crypto";
import { isLid, personJid } from "../jid.js";
import type { Role } from "../live/types.js";
import { MAX_DESCRIPTION, MAX_MESSAGE, MAX_PARTICIPANTS, MAX_SUBJECT } from "../whatsapp.js";
import type { SandboxState, SbGroup, SbMessage, SbParticipant } from "./state.js";

/** Why WhatsApp refused: engines word and wrap refusals differently, so they are told the reason. */
export type Refusal = "bad-request" | "not-found" | "not-participant" | "not-admin" | "creator";

export class ModelError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: Refusal,
  ) {
    super(message);
  }
}

export const refuse = (status: number, message: string, reason: Refusal): never => {
  throw new ModelError(status, message, reason);
};

/** One person's result of add (and of create): WhatsApp's per-participant code. */
export interface AddResult {
  jid: string;
  code: number;
  message: string;
  /** WhatsApp sent the person its own invitation (the engine's isInviteV4Sent) */
  invite: boolean;
}

/** One person's result of remove, promote or demote. */
export interface ChangeResult {
  jid: string;
  code: number;
}

export interface PictureFile {
  mimetype: string;
  data: Uint8Array;
}

/** How WhatsApp stores a picture it is given; identity until the image module is wired in. */
export type ReencodePicture = (file: PictureFile) => PictureFile;

export interface MessageFilter {
  limit: number;
  offset: number;
  fromMe?: boolean;
  /** Unix seconds, inclusive */
  since?: number;
  until?: number;
}

/** A stable privacy ID for a number, so a lid-addressing engine can show one for everybody. */
export function derivedLid(jid: string): string {
  const hex = createHash("sha256").update(jid).digest("hex").slice(0, 12);
  return `${String(Number.parseInt(hex, 16) % 1e15).padStart(15, "1")}@lid`;
}

export class WhatsAppModel {
  constructor(
    readonly state: SandboxState,
    private readonly now: () => number,
    private readonly reencode: ReencodePicture,
  ) {}

  get self(): string {
    return this.state.self;
  }

  // ---- who may do what ----

  group(id: string): SbGroup {
    return this.state.groups.find((x) => x.id === id) ?? refuse(404, `group ${id} not found`, "not-found");
  }

  isMember(g: SbGroup): boolean {
    return g.participants.some((p) => p.jid === this.self);
  }

  roleOfSelf(g: SbGroup): Role | undefined {
    return g.participants.find((p) => p.jid === this.self)?.role;
  }

  visible(g: SbGroup): SbGroup {
    if (!this.isMember(g)) refuse(403, "you are not a participant of this group", "not-participant");
    return g;
  }

  requireAdmin(g: SbGroup): void {
    this.visible(g);
    if (this.roleOfSelf(g) === "member") refuse(403, "not a group admin", "not-admin");
  }

  /** The groups the instance is in, in the order they were created. */
  mine(): SbGroup[] {
    return this.state.groups.filter((g) => this.isMember(g));
  }

  /** A chat moved: a message or a change in it (WEBJS lists chats by this). */
  touch(g: SbGroup): void {
    g.activity = this.now();
  }

  // ---- people and privacy IDs ----

  lidOf(p: SbParticipant): string {
    return p.lid ?? derivedLid(p.jid);
  }

  /** The participant a request names, by number or by privacy ID. */
  find(g: SbGroup, id: string): SbParticipant | undefined {
    return g.participants.find(
      (p) => p.jid === id || p.lid === id || (isLid(id) && derivedLid(p.jid) === id),
    );
  }

  /** `{lid, pn}` as `GET /lids/{lid}` answers; pn is null when nobody's number is known for it. */
  phoneOfLid(lid: string): string | null {
    for (const g of this.state.groups)
      for (const p of g.participants) {
        if (p.lid === lid) return p.hidePn ? null : p.jid;
        if (derivedLid(p.jid) === lid) return p.jid;
      }
    return derivedLid(this.self) === lid ? this.self : null;
  }

  private resolve(id: string): string {
    const jid = personJid(id);
    return isLid(jid) ? (this.phoneOfLid(jid) ?? jid) : jid;
  }

  // ---- groups ----

  create(name: string, ids: string[], start: { announce: boolean; restrict: boolean }) {
    if (!name.trim()) refuse(400, "name is required", "bad-request");
    if (name.length > MAX_SUBJECT)
      refuse(400, `subject longer than ${MAX_SUBJECT} characters`, "bad-request");
    const people = ids.map((i) => this.resolve(i)).filter((j) => j !== this.self);
    if (people.length + 1 > MAX_PARTICIPANTS)
      refuse(400, `a group holds at most ${MAX_PARTICIPANTS} participants`, "bad-request");
    let id: string;
    do id = `1203630${String(++this.state.counter).padStart(11, "0")}@g.us`;
    while (this.state.groups.some((x) => x.id === id));
    const g: SbGroup = {
      id,
      subject: name,
      description: "",
      owner: this.self,
      creation: Math.floor(this.now() / 1000),
      announce: start.announce,
      restrict: start.restrict,
      memberAddAll: true,
      approval: false,
      participants: [{ jid: this.self, role: "superadmin" }],
      inviteCode: this.code(),
      labels: [],
      activity: this.now(),
    };
    this.state.groups.push(g);
    return { group: g, results: this.addPeople(g, people) };
  }

  add(g: SbGroup, ids: string[]): AddResult[] {
    this.requireAdmin(g);
    this.touch(g);
    return this.addPeople(
      g,
      ids.map((i) => this.resolve(i)),
    );
  }

  private addPeople(g: SbGroup, jids: string[]): AddResult[] {
    return jids.map((jid) => {
      const res = { jid, code: 200, message: "added", invite: false };
      if (this.find(g, jid)) return { ...res, code: 409, message: "already a participant" };
      if (this.state.notOnWhatsApp.includes(jid)) return { ...res, code: 404, message: "not on WhatsApp" };
      if (this.state.privacyRestricted.includes(jid)) {
        if (this.state.inviteV4) this.record(jid, `Invitation to join ${g.subject}`, true);
        return { ...res, code: 403, message: "can only be added by invitation", invite: this.state.inviteV4 };
      }
      if (g.participants.length >= MAX_PARTICIPANTS) return { ...res, code: 419, message: "group is full" };
      g.participants.push({ jid, role: "member" });
      return res;
    });
  }

  /** Why this person may not be removed or demoted, if they may not. */
  private protectedFrom(g: SbGroup, p: SbParticipant): string | undefined {
    if (p.jid === g.owner) return "the group creator cannot be removed or demoted";
    if (p.role === "superadmin" && this.roleOfSelf(g) !== "superadmin")
      return "only the creator removes or demotes the creator";
    return undefined;
  }

  /**
   * Remove people. `whole`: one refusal fails the call (as Wawp documents); otherwise each person gets
   * a code (as Baileys and whatsmeow answer) and the others are still removed.
   */
  remove(g: SbGroup, ids: string[], whole: boolean): ChangeResult[] {
    this.requireAdmin(g);
    const jids = ids.map((i) => personJid(i));
    if (whole)
      for (const jid of jids) {
        const p = this.find(g, jid);
        const why = p && this.protectedFrom(g, p);
        if (why) refuse(403, why, "creator");
      }
    this.touch(g);
    return jids.map((jid) => {
      const p = this.find(g, jid);
      if (!p) return { jid, code: whole ? 200 : 404 };
      if (this.protectedFrom(g, p)) return { jid, code: 403 };
      g.participants = g.participants.filter((x) => x !== p);
      return { jid, code: 200 };
    });
  }

  /** Promote or demote, with the same `whole` choice as remove; `skipStrangers`: nobody unknown fails it. */
  setRole(
    g: SbGroup,
    ids: string[],
    action: "promote" | "demote",
    whole: boolean,
    skipStrangers = false,
  ): ChangeResult[] {
    this.requireAdmin(g);
    const jids = ids.map((i) => personJid(i));
    if (whole)
      for (const jid of jids) {
        const p = this.find(g, jid);
        if (!p && skipStrangers) continue;
        if (!p) return refuse(404, `${jid} is not a participant`, "bad-request");
        if (action === "demote" && this.protectedFrom(g, p))
          refuse(403, "the group creator cannot be demoted", "creator");
      }
    this.touch(g);
    return jids.map((jid) => {
      const p = this.find(g, jid);
      if (!p) return { jid, code: 404 };
      if (action === "demote" && this.protectedFrom(g, p)) return { jid, code: 403 };
      p.role = action === "promote" ? (p.role === "superadmin" ? "superadmin" : "admin") : "member";
      return { jid, code: 200 };
    });
  }

  /** Who may edit the info: everyone in the group, or only admins when it is restricted. */
  mayEditInfo(g: SbGroup): boolean {
    return this.isMember(g) && (!g.restrict || this.roleOfSelf(g) !== "member");
  }

  setSubject(g: SbGroup, subject: string): void {
    this.visible(g);
    if (g.restrict) this.requireAdmin(g);
    if (!subject.trim()) refuse(400, "subject is required", "bad-request");
    if (subject.length > MAX_SUBJECT)
      refuse(400, `subject longer than ${MAX_SUBJECT} characters`, "bad-request");
    g.subject = subject;
    this.touch(g);
  }

  setDescription(g: SbGroup, description: string): void {
    this.visible(g);
    if (g.restrict) this.requireAdmin(g);
    if (description.length > MAX_DESCRIPTION)
      refuse(400, `description longer than ${MAX_DESCRIPTION} characters`, "bad-request");
    g.description = description.trimEnd();
    this.touch(g);
  }

  /** The sha256 the picture is stored under, or undefined when the group has none. */
  picture(g: SbGroup): string | undefined {
    this.visible(g);
    return g.picture;
  }

  setPicture(g: SbGroup, file: PictureFile): void {
    this.visible(g);
    if (g.restrict) this.requireAdmin(g);
    if (!/^image\/(png|jpeg)$/.test(file.mimetype))
      refuse(400, "picture must be a JPEG or PNG", "bad-request");
    // WhatsApp keeps its own encoding of what it is given, never the uploaded bytes
    const stored = this.reencode(file);
    const sha = createHash("sha256").update(stored.data).digest("hex");
    this.state.files[sha] = { mimetype: stored.mimetype, data: Buffer.from(stored.data).toString("base64") };
    g.picture = sha;
    this.touch(g);
  }

  deletePicture(g: SbGroup): void {
    this.visible(g);
    if (g.restrict) this.requireAdmin(g);
    delete g.picture;
    this.touch(g);
  }

  setting(g: SbGroup, which: string): boolean {
    this.visible(g);
    if (which === "messages-admin-only") return g.announce;
    if (which === "info-admin-only") return g.restrict;
    if (which === "member-add-mode") return g.memberAddAll;
    if (which === "membership-approval") return g.approval;
    return refuse(404, `unknown setting ${which}`, "not-found");
  }

  setSetting(g: SbGroup, which: string, value: boolean): void {
    this.requireAdmin(g);
    if (which === "messages-admin-only") g.announce = value;
    else if (which === "info-admin-only") g.restrict = value;
    else if (which === "member-add-mode") g.memberAddAll = value;
    else if (which === "membership-approval") g.approval = value;
    else refuse(404, `unknown setting ${which}`, "not-found");
    this.touch(g);
  }

  inviteCode(g: SbGroup): string {
    return this.visible(g).inviteCode;
  }

  revokeInviteCode(g: SbGroup): string {
    this.requireAdmin(g);
    g.inviteCode = this.code();
    return g.inviteCode;
  }

  leave(g: SbGroup): void {
    this.visible(g);
    g.participants = g.participants.filter((p) => p.jid !== this.self);
    if (g.participants.length === 0) this.state.groups = this.state.groups.filter((x) => x !== g);
  }

  /** Drops the instance's chat, like the engines that implement it; a group already left is gone. */
  deleteGroup(g: SbGroup): void {
    if (this.isMember(g) && this.roleOfSelf(g) === "member") refuse(403, "not a group admin", "not-admin");
    if (this.isMember(g)) this.state.groups = this.state.groups.filter((x) => x !== g);
  }

  // ---- chats ----

  sendText(chatId: string, text: string): SbMessage {
    if (!/@(c\.us|g\.us)$/.test(chatId)) refuse(400, "chatId must end @c.us or @g.us", "bad-request");
    if (!text) refuse(400, "message is required", "bad-request");
    if (text.length > MAX_MESSAGE)
      refuse(400, `message longer than ${MAX_MESSAGE} characters`, "bad-request");
    if (chatId.endsWith("@g.us")) {
      const g = this.visible(this.group(chatId));
      if (g.announce && this.roleOfSelf(g) === "member")
        refuse(403, "only admins can send messages", "not-admin");
      this.touch(g);
    }
    return this.record(chatId, text, true);
  }

  record(chatId: string, body: string, fromMe: boolean): SbMessage {
    const m = {
      id: `${fromMe}_${chatId}_${randomBytes(8).toString("hex").toUpperCase()}`,
      timestamp: Math.floor(this.now() / 1000),
      fromMe,
      body,
    };
    const chat = this.state.messages[chatId] ?? [];
    chat.push(m);
    this.state.messages[chatId] = chat;
    return m;
  }

  /** A chat's messages, newest first, narrowed the way WAHA's `filter.*` parameters narrow them. */
  messages(chatId: string, f: MessageFilter): SbMessage[] {
    const all = this.state.messages[chatId] ?? [];
    const kept = all.filter(
      (m) =>
        (f.fromMe === undefined || m.fromMe === f.fromMe) &&
        (f.since === undefined || m.timestamp >= f.since) &&
        (f.until === undefined || m.timestamp <= f.until),
    );
    return kept.reverse().slice(f.offset, f.offset + f.limit);
  }

  private code(): string {
    return randomBytes(16).toString("base64url").slice(0, 22);
  }
}
