// Paging a chat's messages back to a point in time: the read behind invite and farewell dedupe.
import { ApiError } from "../errors.js";
import type { ChatMessage, MessageQuery } from "../live/types.js";
import type { WawpRequest } from "./transport.js";

const MAX_MESSAGE_PAGES = 20;

/**
 * A chat's messages, newest first, read a page at a time with `readPage`. With `sinceUnix`, pages on
 * until the window is covered, filtering here too, since not every engine applies `filter.*`; a
 * window that cannot be covered within the page budget is an error, not a partial answer (it decides
 * whether to invite again).
 */
export async function pageMessages(
  operation: string,
  query: number | MessageQuery,
  readPage: (params: NonNullable<WawpRequest["query"]>) => Promise<ChatMessage[]>,
): Promise<ChatMessage[]> {
  const q: MessageQuery = typeof query === "number" ? { limit: query } : query;
  const out: ChatMessage[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (let page = 0; page < MAX_MESSAGE_PAGES; page++) {
    const params: NonNullable<WawpRequest["query"]> = { limit: q.limit, offset, downloadMedia: false };
    if (q.sinceUnix !== undefined) params["filter.timestamp.gte"] = q.sinceUnix;
    if (q.fromMe !== undefined) params["filter.fromMe"] = q.fromMe;
    const msgs = await readPage(params);
    let fresh = 0;
    for (const m of msgs) {
      const key = m.id || `${m.timestamp}:${m.fromMe}:${m.body}`;
      if (seen.has(key)) continue;
      seen.add(key);
      fresh++;
      if (q.sinceUnix !== undefined && m.timestamp < q.sinceUnix) continue;
      if (q.fromMe !== undefined && m.fromMe !== q.fromMe) continue;
      out.push(m);
    }
    if (q.sinceUnix === undefined) return out;
    const oldest = Math.min(...msgs.map((m) => m.timestamp));
    // the end of the chat, a server that ignores offset, or a page reaching past the window
    if (msgs.length < q.limit || fresh === 0 || oldest < q.sinceUnix) return out;
    offset += msgs.length;
  }
  throw new ApiError(
    operation,
    200,
    undefined,
    `${operation}: more than ${MAX_MESSAGE_PAGES * q.limit} messages since ${new Date((q.sinceUnix ?? 0) * 1000).toISOString()}; the window was not covered`,
  );
}
