// Self-hosted WAHA's paths onto the Wawp paths the router knows: `/api/{session}/groups/…` is
// `/groups/…`, and sending is `POST /api/sendText {session, chatId, text}` instead of `/send/text`.
import type { WawpRequest } from "../wawp/transport.js";

export interface WahaRequest extends WawpRequest {
  /** the X-Api-Key header as received, if any */
  apiKey?: string;
}

/** The same request on Wawp's paths, or undefined when WAHA has no such route (or no such session). */
export function fromWahaPath(req: WahaRequest, session: string): WawpRequest | undefined {
  const { method, path } = req;
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (path === "/api/sendText") {
    if (method !== "POST" || body.session !== session) return undefined;
    return { method, path: "/send/text", body: { chatId: body.chatId, message: body.text } };
  }
  const prefix = `/api/${encodeURIComponent(session)}/`;
  if (!path.startsWith(prefix)) return undefined;
  return {
    method,
    path: `/${path.slice(prefix.length)}`,
    ...(req.query ? { query: req.query } : {}),
    ...(req.body !== undefined ? { body: req.body } : {}),
  };
}
