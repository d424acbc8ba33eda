// One event, one group read: a LiveReader whose listing is the last full listing with the one group
// looked at replaced by a fresh `GET /groups/{id}`. Everything else (participants, settings, chats) is
// read as the pipeline always reads it. The full listing is read again at every resync, and whenever a
// focused read cannot be trusted (the group is gone, renamed away from its serial, or unreadable).
import { ApiError } from "../errors.js";
import type { LiveGroup, LiveReader } from "../live/types.js";
import { normalizeGroup } from "../wawp/normalize.js";

/** The one-group read: the client's generic call, so no new client method is needed. */
export interface GroupCaller {
  call(operation: string, req: { method: "GET"; path: string }, idempotent: boolean): Promise<unknown>;
}

/** A fresh read of one group; undefined when the server no longer shows it to the instance. */
export async function readOneGroup(caller: GroupCaller, id: string): Promise<LiveGroup | undefined> {
  let body: unknown;
  try {
    body = await caller.call(
      "read group",
      { method: "GET", path: `/groups/${encodeURIComponent(id)}` },
      true,
    );
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
  // NOWEB answers an unknown group with an empty body
  if (body === undefined || body === null || body === "") return undefined;
  return normalizeGroup(body, `group ${id}`);
}

export function focusedReader(base: LiveReader, listing: readonly LiveGroup[], fresh: LiveGroup): LiveReader {
  const groups = listing.map((g) => (g.id === fresh.id ? fresh : g));
  if (!groups.includes(fresh)) groups.push(fresh);
  return {
    listGroups: async () => groups.map((g) => ({ ...g })),
    getParticipants: (id) => base.getParticipants(id),
    readParticipants: (id) => base.readParticipants(id),
    getSetting: (id, key) => base.getSetting(id, key),
    getPicture: (id) => base.getPicture(id),
    download: (url) => base.download(url),
    getInviteCode: (id) => base.getInviteCode(id),
    recentMessages: (chatId, q) => base.recentMessages(chatId, q),
    listLabels: () => base.listLabels(),
    chatLabels: (chatId) => base.chatLabels(chatId),
  };
}
