// The Wawp client: every endpoint the reconciler needs, with retries, backoff and redaction, over any
// Transport. Normalization happens here, at the edge.
import { ApiError } from "../errors.js";
import type {
  AddOutcome,
  ChatMessage,
  LiveGroup,
  LiveLabel,
  LiveParticipant,
  MessageQuery,
  Wawp,
} from "../live/types.js";
import { log } from "../logger.js";
import type { SettingKey, Settings } from "../manifest/types.js";
import { type CallOptions, readAnswer, WawpCaller } from "./call.js";
import { apiError, asUnsupported, UNSUPPORTED_STATUSES, UnsupportedError } from "./errors.js";
import { LidResolver } from "./lids.js";
import { ListingError, listingPages } from "./listing.js";
import { pageMessages } from "./messages.js";
import { normalizeGroups, normalizeParticipants, tellSize } from "./normalize.js";
import { describeShape as describe, idString, isObj, num, ShapeError } from "./read.js";
import {
  normalizeCreated,
  normalizeLabel,
  normalizeLabels,
  normalizeMessages,
  normalizeOutcomes,
  normalizeSetting,
} from "./replies.js";
import type { Transport } from "./transport.js";

export interface ClientOptions extends CallOptions {
  /** page size asked of Get Groups: the most groups one page may hold */
  pageSize?: number;
  /** about how many participants one listing page may hold: after each page, the next asks for
   * fewer groups when groups are large, so a page of big groups stays a few megabytes */
  pageParticipants?: number;
  /** concurrent privacy-ID look-ups */
  lidConcurrency?: number;
}

const SETTING_PATH: Record<SettingKey, string> = {
  sendMessages: "messages-admin-only",
  editInfo: "info-admin-only",
  addMembers: "member-add-mode",
  approveJoins: "membership-approval",
};

const enc = encodeURIComponent;

export class WawpClient extends WawpCaller implements Wawp {
  private readonly pageSize: number;
  private readonly pageParticipants: number;
  /** the server has no participants/v2 route: learnt once, then /participants for the rest of the run */
  private participantsV2Missing = false;
  private readonly lids: LidResolver;

  constructor(transport: Transport, opts: ClientOptions = {}) {
    super(transport, opts);
    this.pageSize = opts.pageSize ?? 500;
    this.pageParticipants = opts.pageParticipants ?? 64_000;
    this.lids = new LidResolver((op, path) => this.get(op, path), opts.lidConcurrency ?? 8);
  }

  // ---- reads ----

  /**
   * Every group exactly once, checked against `GET /groups/count` (re-listed while short, where
   * the order shifts between pages); a short or endless listing is an error, never a plan.
   */
  async listGroups(): Promise<LiveGroup[]> {
    const groups: LiveGroup[] = [];
    for await (const page of this.listGroupPages()) groups.push(...page);
    return groups;
  }

  /**
   * The same listing a page at a time, each group once, privacy IDs resolved page by page; the count
   * is checked after the last page (an error then means everything yielded must be thrown away).
   */
  async *listGroupPages(): AsyncGenerator<LiveGroup[]> {
    const operation = "list groups";
    // asked for with the first page (listingPages awaits it once that page is on its way)
    const count = this.groupCount();
    count.catch(() => undefined);
    const pages = listingPages(
      async (offset, limit, sized) => {
        const body = await this.get(operation, "/groups", { limit, offset, sortBy: "id", sortOrder: "asc" });
        await tellSize(body, sized);
        return readAnswer(operation, normalizeGroups, body);
      },
      { count, pageSize: this.pageSize, pageParticipants: this.pageParticipants },
    );
    try {
      for await (const groups of pages) {
        // participants the listing names only by privacy ID (as LidResolver.resolve finds them)
        const lids: string[] = [];
        for (const g of groups)
          for (const p of g.participants ?? []) if (p.jid.endsWith("@lid")) lids.push(p.jid);
        if (lids.length) {
          await this.lids.prefetch(lids);
          for (const g of groups)
            if (g.participants) g.participants = await this.lids.resolve(g.participants);
        }
        yield groups;
      }
    } catch (e) {
      if (e instanceof ListingError)
        throw new ApiError(operation, 200, undefined, `${operation}: ${e.message}`);
      throw e;
    }
  }

  /** The server's group count; undefined on a server without the route (the listing goes unchecked). */
  private async groupCount(): Promise<number | undefined> {
    try {
      return await this.read("count groups", "/groups/count", (body) => {
        const n = num(body) ?? (isObj(body) ? num(body.count) : undefined);
        if (n === undefined) throw new ShapeError(`not a count: ${describe(body)}`);
        return n;
      });
    } catch (e) {
      // older servers: no route (404…), or "count" read as a group ID that does not parse (400)
      if (e instanceof ApiError && (UNSUPPORTED_STATUSES.includes(e.status) || e.status === 400)) {
        log().info(
          `the server cannot count groups (HTTP ${e.status}): the listing is not checked against a count`,
        );
        return undefined;
      }
      throw e;
    }
  }

  async getParticipants(id: string): Promise<LiveParticipant[]> {
    return (await this.readParticipants(id)).participants;
  }

  /** Prefers `participants/v2` (the same on every engine); a 404 there falls back, and is remembered. */
  async readParticipants(
    id: string,
  ): Promise<{ participants: LiveParticipant[]; invalidParticipants: string[] }> {
    const operation = "get participants";
    const where = `participants of ${id}`;
    const listOf = (body: unknown) => {
      if (!Array.isArray(body)) throw new ShapeError(`not a list of participants: ${describe(body)}`);
      return normalizeParticipants(body, where);
    };
    let read: ReturnType<typeof listOf> | undefined;
    if (!this.participantsV2Missing) {
      try {
        read = await this.read(operation, `/groups/${enc(id)}/participants/v2`, listOf);
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
      }
    }
    if (!read) {
      read = await this.read(operation, `/groups/${enc(id)}/participants`, listOf);
      // only once the old route answered: a 404 on both is an unknown group, not a missing route
      this.participantsV2Missing = true;
    }
    return { participants: await this.lids.resolve(read.participants), invalidParticipants: read.invalid };
  }

  async getSetting<K extends SettingKey>(id: string, key: K): Promise<Settings[K]> {
    const operation = `get setting ${key}`;
    const restricted = await this.unlessUnsupported(
      this.read(operation, `/groups/${enc(id)}/settings/security/${SETTING_PATH[key]}`, (body) => {
        const v = normalizeSetting(key, body);
        if (v === undefined)
          throw new ShapeError(`the answer does not say the setting's value: ${describe(body)}`);
        return v;
      }),
    );
    return (key === "approveJoins" ? restricted : restricted ? "admins" : "all") as Settings[K];
  }

  /** Fresh (`refresh=true`): the engine's cached URL can be a day old, from before a change. */
  async getPicture(id: string): Promise<{ url: string | null }> {
    const body = await this.get("get picture", `/groups/${enc(id)}/picture`, { refresh: true });
    const url = isObj(body) && typeof body.url === "string" && body.url ? body.url : null;
    return { url };
  }

  async download(url: string): Promise<Uint8Array> {
    try {
      return await this.transport.download(url);
    } catch (e) {
      throw apiError("download picture", 0, undefined, { detail: (e as Error).message });
    }
  }

  async getInviteCode(id: string): Promise<string> {
    const body = await this.get("get invite code", `/groups/${enc(id)}/invite-code`);
    const code =
      typeof body === "string"
        ? body
        : isObj(body)
          ? (idString(body.code) ?? idString(body.inviteCode))
          : undefined;
    if (!code) throw apiError("get invite code", 200, body, { detail: "no invite code in the answer" });
    return code.replace(/^https:\/\/chat\.whatsapp\.com\//, "");
  }

  /** A chat's messages, newest first, back to `sinceUnix` when given (messages.ts). */
  async recentMessages(chatId: string, query: number | MessageQuery): Promise<ChatMessage[]> {
    const operation = "read recent messages";
    return pageMessages(operation, query, (params) =>
      this.read(operation, `/chats/${enc(chatId)}/messages`, normalizeMessages, params),
    );
  }

  async listLabels(): Promise<LiveLabel[]> {
    return this.read("list labels", "/labels", normalizeLabels);
  }

  async chatLabels(chatId: string): Promise<LiveLabel[]> {
    return this.read("get chat labels", `/labels/chats/${enc(chatId)}`, normalizeLabels);
  }

  // ---- writes ----

  async createGroup(subject: string, participants: string[]) {
    const operation = "create group";
    nonEmpty(operation, "subject", subject);
    const { status, body } = await this.answered(
      operation,
      {
        method: "POST",
        path: "/groups",
        body: { name: subject, participants: participants.map((id) => ({ id })) },
      },
      false,
    );
    // a string that is no group ID is the engine's refusal (WEBJS "CreateGroupError…"): nothing was made
    if (typeof body === "string" && !body.endsWith("@g.us"))
      throw apiError(operation, status, body, { detail: `the engine refused: ${body.slice(0, 200)}` });
    const created = normalizeCreated(body, participants);
    if (!created)
      throw apiError(operation, 200, undefined, {
        detail: "the answer carries no group ID",
        uncertain: true,
      });
    return created;
  }

  async setSubject(id: string, subject: string) {
    nonEmpty("set subject", "subject", subject);
    refused("set subject", await this.write("set subject", "PUT", `/groups/${enc(id)}/subject`, { subject }));
  }

  async setDescription(id: string, description: string) {
    nonEmpty("set description", "description", description);
    const body = await this.write("set description", "PUT", `/groups/${enc(id)}/description`, {
      description,
    });
    refused("set description", body);
  }

  async setPicture(id: string, file: { data: string; mimetype: string; filename: string }) {
    refused("set picture", await this.write("set picture", "PUT", `/groups/${enc(id)}/picture`, { file }));
  }

  async setSetting<K extends SettingKey>(id: string, key: K, value: Settings[K]) {
    const restricted = key === "approveJoins" ? value === true : value === "admins";
    const body =
      key === "addMembers"
        ? { membersCanAddNewMember: !restricted }
        : key === "approveJoins"
          ? { newMembersApprovalRequired: restricted }
          : { adminsOnly: restricted };
    const operation = `set setting ${key}`;
    const path = `/groups/${enc(id)}/settings/security/${SETTING_PATH[key]}`;
    refused(operation, await this.unlessUnsupported(this.write(operation, "PUT", path, body)));
  }

  addParticipants(id: string, jids: string[]): Promise<AddOutcome[]> {
    return this.perPerson("add participants", `/groups/${enc(id)}/participants/add`, jids);
  }

  removeParticipants(id: string, jids: string[]): Promise<AddOutcome[]> {
    return this.perPerson("remove participants", `/groups/${enc(id)}/participants/remove`, jids);
  }

  promote(id: string, jids: string[]): Promise<AddOutcome[]> {
    return this.perPerson("promote", `/groups/${enc(id)}/admin/promote`, jids);
  }

  demote(id: string, jids: string[]): Promise<AddOutcome[]> {
    return this.perPerson("demote", `/groups/${enc(id)}/admin/demote`, jids);
  }

  /** A call on people, answered per person; a plain string is a whole-call failure (not an admin, …). */
  private async perPerson(operation: string, path: string, jids: string[]): Promise<AddOutcome[]> {
    const body = await this.write(operation, "POST", path, { participants: jids.map((j) => ({ id: j })) });
    if (typeof body === "string" && body.trim())
      throw apiError(operation, 200, body, { detail: body.slice(0, 200) });
    refused(operation, body);
    return normalizeOutcomes(body, jids);
  }

  async leave(id: string) {
    await this.write("leave group", "POST", `/groups/${enc(id)}/leave`);
  }

  /** NOWEB and GOWS do not implement delete (422): an UnsupportedError, and retirement ends at leave. */
  async deleteGroup(id: string) {
    await this.unlessUnsupported(this.write("delete group", "DELETE", `/groups/${enc(id)}`), [405, 422, 501]);
  }

  async sendText(chatId: string, message: string) {
    await this.write("send text", "POST", "/send/text", { chatId, message }, false);
  }

  /** Not idempotent: a lost reply is re-read (listLabels), never created twice. */
  async createLabel(name: string, color: number | string): Promise<LiveLabel> {
    const body = await this.write("create label", "POST", "/labels", { name, ...colorField(color) }, false);
    return readAnswer("create label", (b) => normalizeLabel(b, "the new label"), body);
  }

  async updateLabel(id: string, change: { name: string; color: number | string }) {
    await this.write("update label", "PUT", `/labels/${enc(id)}`, {
      name: change.name,
      ...colorField(change.color),
    });
  }

  /** Replaces the chat's whole set: callers pass the union of what stays and what is added. */
  async setChatLabels(chatId: string, labelIds: string[]) {
    await this.write("set chat labels", "PUT", `/labels/chats/${enc(chatId)}`, {
      labels: labelIds.map((id) => ({ id })),
    });
  }

  /** A call that fails with UnsupportedError when the server answers it has no such route or feature. */
  private async unlessUnsupported<T>(p: Promise<T>, statuses = UNSUPPORTED_STATUSES): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof ApiError && !(e instanceof UnsupportedError) && statuses.includes(e.status))
        throw asUnsupported(e, "this server cannot do it");
      throw e;
    }
  }
}

/** WEBJS answers 200 with `false` when the instance may not make the change: a refusal, like a 403. */
function refused(operation: string, body: unknown): void {
  if (body === false)
    throw apiError(operation, 403, undefined, {
      detail: "the engine answered false (the instance may not do this; is it an admin?)",
    });
}

/** GOWS refuses "" with a 400; no engine is sent one. */
function nonEmpty(operation: string, what: string, value: string): void {
  if (value.trim() === "")
    throw new UnsupportedError(
      operation,
      0,
      undefined,
      `${operation}: an empty ${what} is never sent (engines refuse it)`,
    );
}

function colorField(color: number | string) {
  return typeof color === "number" ? { color } : { colorHex: color };
}
