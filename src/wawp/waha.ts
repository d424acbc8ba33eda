// The self-hosted WAHA backend: the client's Wawp-shaped requests, sent on WAHA's routes with the key in
// the X-Api-Key header. Routes read from WAHA's controllers (github.com/devlikeapro/waha, src/api/):
// groups, chats, labels, lids and contacts/{id} live under `api/:session/…`; sendText and the global
// contacts routes under `api/…`, the session named in the body or the query.
import type { Dispatcher } from "undici";
import { addSecret } from "../redact.js";
import type { TransportLimits } from "./http.js";
import {
  boundedTransport,
  jsonBody,
  safeLabel,
  type Transport,
  TransportError,
  trimBase,
  type WawpRequest,
} from "./transport.js";

export const DEFAULT_WAHA_SESSION = "default";

export interface WahaTransportOptions extends Partial<TransportLimits> {
  /** WAHA's root, e.g. http://localhost:3000 (no /api) */
  url: string;
  apiKey: string;
  /** WAHA session name (WAHA_SESSION); "default" when unset */
  session?: string;
  dispatcher?: Dispatcher;
}

/** A WAHA request: the path below WAHA's root (starting "/api/"), the query and the body it needs. */
export interface WahaRoute {
  method: WawpRequest["method"];
  path: string;
  query: Record<string, string | number | boolean>;
  body?: unknown;
}

// the first segment of a Wawp path whose WAHA controller is `api/:session/<segment>`
const SESSION_SCOPED = new Set(["groups", "chats", "labels", "lids"]);
// WAHA's ContactsController (`api/contacts`) takes the session as a query or body field
const GLOBAL_CONTACTS = new Set(["", "all", "check-exists", "about", "profile-picture", "block", "unblock"]);
// the Wawp credentials mean nothing to WAHA and must never travel there
const WAWP_CREDENTIALS = ["instance_id", "access_token"];

/** Where WAHA serves a Wawp-shaped request; a request WAHA has no route for is a TransportError. */
export function wahaRoute(req: WawpRequest, session: string): WahaRoute {
  const query = withoutCredentials(req.query ?? {}) as WahaRoute["query"];
  const body = isPlainObject(req.body) ? withoutCredentials(req.body) : req.body;
  const [, first = "", second = "", ...more] = req.path.split("/");
  const scoped = `/api/${encodeURIComponent(session)}`;
  if (SESSION_SCOPED.has(first)) return { method: req.method, path: scoped + req.path, query, body };
  if (first === "contacts" && more.length === 0) {
    if (!GLOBAL_CONTACTS.has(second))
      return { method: req.method, path: `${scoped}/contacts/${second}`, query, body };
    const path = second ? `/api/contacts/${second}` : "/api/contacts";
    if (req.method === "GET") return { method: "GET", path, query: { ...query, session }, body };
    return { method: req.method, path, query, body: { ...(isPlainObject(body) ? body : {}), session } };
  }
  if (req.method === "POST" && req.path === "/send/text") {
    const { message, ...rest } = isPlainObject(body) ? body : {};
    if (typeof message !== "string")
      throw new TransportError("POST /send/text: the body has no text message to send", false, {
        retriable: false,
      });
    return { method: "POST", path: "/api/sendText", query, body: { ...rest, session, text: message } };
  }
  throw new TransportError(
    `${req.method} ${req.path}: the WAHA backend has no route for this request`,
    false,
    {
      retriable: false,
    },
  );
}

/** The self-hosted WAHA backend (SPEC "Backends"): same logical requests, WAHA's routes and header. */
export function wahaTransport(opts: WahaTransportOptions): Transport {
  const { url, apiKey, session: named, ...rest } = opts;
  if (!apiKey) throw new TypeError("WAHA_API_KEY is empty: WAHA needs its API key");
  // registered here too, so no caller can forget it
  addSecret(apiKey);
  const session = named?.trim() || DEFAULT_WAHA_SESSION;
  const base = trimBase(url, "WAHA_URL");
  return boundedTransport({
    ...rest,
    label: `WAHA ${safeLabel(base)} (session ${session})`,
    toWire(req) {
      const route = wahaRoute(req, session);
      const wireUrl = new URL(base + route.path);
      for (const [k, v] of Object.entries(route.query)) wireUrl.searchParams.set(k, String(v));
      const wire = jsonBody(route, route.body);
      return {
        url: wireUrl,
        method: route.method,
        ...wire,
        headers: { ...wire.headers, "x-api-key": apiKey },
      };
    },
  });
}

function withoutCredentials(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !WAWP_CREDENTIALS.includes(k)));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
