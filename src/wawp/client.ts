// The Wawp client: every endpoint the reconciler needs, with retries, backoff and redaction, over any
// Transport. Normalization happens here, at the edge.
import type { ApiError } from "../errors.js";
import type { AddOutcome, ChatMessage, LiveGroup, LiveParticipant, Wawp } from "../live/types.js";
import { log } from "../logger.js";
import type { SettingKey, Settings } from "../manifest/types.js";
import { redact } from "../redact.js";
import { apiError } from "./errors.js";
import {
  idString,
  normalizeAddResults,
  normalizeCreated,
  normalizeGroup,
  normalizeGroups,
  normalizeMessages,
  normalizeParticipants,
  normalizeSetting,
} from "./normalize.js";
import { type Transport, TransportError, type WawpRequest, type WawpResponse } from "./transport.js";

export interface RetryPolicy {
  /** attempts in all, the first included */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** a Retry-After longer than this is not waited for: the call fails with the 429 */
  maxRetryAfterMs: number;
  /** total time one call may spend retrying */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 300,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  budgetMs: 120_000,
};

export interface ClientOptions {
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** page size asked of Get Groups */
  pageSize?: number;
}

const SETTING_PATH: Record<SettingKey, string> = {
  sendMessages: "messages-admin-only",
  editInfo: "info-admin-only",
  addMembers: "member-add-mode",
  approveJoins: "membership-approval",
};

const enc = encodeURIComponent;

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class WawpClient implements Wawp {
  readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly pageSize: number;

  constructor(
    readonly transport: Transport,
    opts: ClientOptions = {},
  ) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? realSleep;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.pageSize = opts.pageSize ?? 500;
  }

  /**
   * One call with retries. Idempotent calls are retried on 429, 5xx and network errors; a
   * non-idempotent one (create, send) only on 429 and on a connection that never reached the
   * server: after a lost reply it fails as `uncertain`, and the caller re-reads state instead.
   */
  async call(operation: string, req: WawpRequest, idempotent: boolean): Promise<unknown> {
    const started = this.now();
    for (let attempt = 1; ; attempt++) {
      let res: WawpResponse | undefined;
      let failure: ApiError;
      const t0 = this.now();
      try {
        res = await this.transport.send(req);
        log().debug(
          {
            op: operation,
            method: req.method,
            path: req.path,
            status: res.status,
            ms: this.now() - t0,
            attempt,
          },
          "wawp request",
        );
      } catch (e) {
        log().debug(
          {
            op: operation,
            method: req.method,
            path: req.path,
            error: redact(String((e as Error).message)),
            attempt,
          },
          "wawp request failed",
        );
        const sent = e instanceof TransportError ? e.sent : true;
        const detail = e instanceof Error ? e.message : String(e);
        failure = apiError(operation, 0, undefined, { uncertain: sent, detail: redact(detail) });
        if (!idempotent && sent) throw failure;
        if (!(await this.backoff(attempt, started, undefined))) throw failure;
        log().info(`retrying ${operation} (attempt ${attempt + 1}) after: ${failure.message}`);
        continue;
      }
      if (res.status < 300) return res.body;
      const retryAfterMs = parseRetryAfter(res.headers["retry-after"], this.now());
      failure = apiError(operation, res.status, res.body, {
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        uncertain: !idempotent && res.status >= 500,
      });
      const retriable = res.status === 429 || (res.status >= 500 && idempotent);
      if (!retriable) throw failure;
      if (retryAfterMs !== undefined && retryAfterMs > this.retry.maxRetryAfterMs) throw failure;
      if (!(await this.backoff(attempt, started, retryAfterMs))) throw failure;
      log().info(`retrying ${operation} (attempt ${attempt + 1}) after: ${failure.message}`);
    }
  }

  /** Waits before the next attempt; false when attempts or time are used up. */
  private async backoff(
    attempt: number,
    started: number,
    retryAfterMs: number | undefined,
  ): Promise<boolean> {
    if (attempt >= this.retry.attempts) return false;
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    // full jitter, but never sooner than the server asked
    const delay = Math.max(retryAfterMs ?? 0, Math.round(exp / 2 + this.random() * (exp / 2)));
    if (this.now() - started + delay > this.retry.budgetMs) return false;
    await this.sleep(delay);
    return true;
  }

  private get(operation: string, path: string, query?: WawpRequest["query"]) {
    return this.call(operation, { method: "GET", path, ...(query ? { query } : {}) }, true);
  }

  private write(
    operation: string,
    method: WawpRequest["method"],
    path: string,
    body?: unknown,
    idempotent = true,
  ) {
    return this.call(operation, { method, path, ...(body !== undefined ? { body } : {}) }, idempotent);
  }

  // ---- reads ----

  /** Every group, paging until an empty page: a server may cap a page below the limit asked for. */
  async listGroups(): Promise<LiveGroup[]> {
    const seen = new Map<string, LiveGroup>();
    let offset = 0;
    for (let page = 0; page < 10_000; page++) {
      const body = await this.get("list groups", "/groups", {
        limit: this.pageSize,
        offset,
        sortBy: "id",
        sortOrder: "asc",
      });
      const groups = normalizeGroups(body);
      const rawCount = countItems(body);
      if (rawCount === 0) break;
      // a server that ignores offset sends the same groups again: no new group, no next page
      const before = seen.size;
      for (const g of groups) seen.set(g.id, g);
      if (seen.size === before) break;
      offset += rawCount;
    }
    return [...seen.values()];
  }

  async getGroup(id: string): Promise<LiveGroup> {
    const g = normalizeGroup(await this.get("get group", `/groups/${enc(id)}`));
    if (!g) throw apiError("get group", 200, undefined, { detail: "the answer is not a group" });
    return g;
  }

  async getParticipants(id: string): Promise<LiveParticipant[]> {
    const body = await this.get("get participants", `/groups/${enc(id)}/participants`);
    return Array.isArray(body) ? normalizeParticipants(body) : [];
  }

  async getSetting<K extends SettingKey>(id: string, key: K): Promise<Settings[K]> {
    const body = await this.get(
      `get setting ${key}`,
      `/groups/${enc(id)}/settings/security/${SETTING_PATH[key]}`,
    );
    const restricted = normalizeSetting(key, body);
    if (restricted === undefined)
      throw apiError(`get setting ${key}`, 200, body, {
        detail: "the answer does not say the setting's value",
      });
    return (key === "approveJoins" ? restricted : restricted ? "admins" : "all") as Settings[K];
  }

  async getPicture(id: string): Promise<{ url: string | null }> {
    const body = (await this.get("get picture", `/groups/${enc(id)}/picture`)) as { url?: unknown } | null;
    const url = body && typeof body.url === "string" && body.url ? body.url : null;
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
        : ((body as { code?: string; inviteCode?: string })?.code ??
          (body as { inviteCode?: string })?.inviteCode);
    if (!code) throw apiError("get invite code", 200, body, { detail: "no invite code in the answer" });
    return code.replace(/^https:\/\/chat\.whatsapp\.com\//, "");
  }

  async recentMessages(chatId: string, limit: number): Promise<ChatMessage[]> {
    return normalizeMessages(
      await this.get("read recent messages", `/chats/${enc(chatId)}/messages`, {
        limit,
        downloadMedia: false,
      }),
    );
  }

  async listLabels(): Promise<{ id: string; name: string }[]> {
    return labelsOf(await this.get("list labels", "/labels"));
  }

  async chatLabels(chatId: string): Promise<{ id: string; name: string }[]> {
    return labelsOf(await this.get("get chat labels", `/labels/chats/${enc(chatId)}`));
  }

  // ---- writes ----

  async createGroup(subject: string, participants: string[]) {
    const body = await this.write(
      "create group",
      "POST",
      "/groups",
      { name: subject, participants: participants.map((id) => ({ id })) },
      false,
    );
    const created = normalizeCreated(body, participants);
    if (!created)
      throw apiError("create group", 200, undefined, {
        detail: "the answer carries no group ID",
        uncertain: true,
      });
    return created;
  }

  async setSubject(id: string, subject: string) {
    await this.write("set subject", "PUT", `/groups/${enc(id)}/subject`, { subject });
  }

  async setDescription(id: string, description: string) {
    await this.write("set description", "PUT", `/groups/${enc(id)}/description`, { description });
  }

  async setPicture(id: string, file: { data: string; mimetype: string; filename: string }) {
    await this.write("set picture", "PUT", `/groups/${enc(id)}/picture`, { file });
  }

  async deletePicture(id: string) {
    await this.write("delete picture", "DELETE", `/groups/${enc(id)}/picture`);
  }

  async setSetting<K extends SettingKey>(id: string, key: K, value: Settings[K]) {
    const restricted = key === "approveJoins" ? value === true : value === "admins";
    const body =
      key === "addMembers"
        ? { membersCanAddNewMember: !restricted }
        : key === "approveJoins"
          ? { newMembersApprovalRequired: restricted }
          : { adminsOnly: restricted };
    await this.write(
      `set setting ${key}`,
      "PUT",
      `/groups/${enc(id)}/settings/security/${SETTING_PATH[key]}`,
      body,
    );
  }

  async addParticipants(id: string, jids: string[]): Promise<AddOutcome[]> {
    const body = await this.write("add participants", "POST", `/groups/${enc(id)}/participants/add`, {
      participants: jids.map((j) => ({ id: j })),
    });
    if (typeof body === "string" && body.trim())
      throw apiError("add participants", 200, body, { detail: body.slice(0, 200) });
    return normalizeAddResults(body, jids);
  }

  async removeParticipants(id: string, jids: string[]) {
    await this.write("remove participants", "POST", `/groups/${enc(id)}/participants/remove`, {
      participants: jids.map((j) => ({ id: j })),
    });
  }

  async promote(id: string, jids: string[]) {
    await this.write("promote", "POST", `/groups/${enc(id)}/admin/promote`, {
      participants: jids.map((j) => ({ id: j })),
    });
  }

  async demote(id: string, jids: string[]) {
    await this.write("demote", "POST", `/groups/${enc(id)}/admin/demote`, {
      participants: jids.map((j) => ({ id: j })),
    });
  }

  async leave(id: string) {
    await this.write("leave group", "POST", `/groups/${enc(id)}/leave`);
  }

  async deleteGroup(id: string) {
    await this.write("delete group", "DELETE", `/groups/${enc(id)}`);
  }

  async sendText(chatId: string, message: string) {
    await this.write("send text", "POST", "/send/text", { chatId, message }, false);
  }

  async assignLabel(labelId: string, chatId: string) {
    await this.write("assign label", "PUT", `/labels/${enc(labelId)}/chats/${enc(chatId)}`);
  }
}

function countItems(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    for (const k of ["groups", "data", "results"]) if (Array.isArray(b[k])) return (b[k] as unknown[]).length;
    return Object.keys(b).filter((k) => k.endsWith("@g.us")).length;
  }
  return 0;
}

function labelsOf(body: unknown): { id: string; name: string }[] {
  const list = Array.isArray(body) ? body : [];
  return list
    .filter((l): l is Record<string, unknown> => !!l && typeof l === "object")
    .map((l) => ({ id: idString(l.id) ?? String(l.id ?? ""), name: String(l.name ?? "") }))
    .filter((l) => l.id && l.name);
}

export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
