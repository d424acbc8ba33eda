// How a request reaches a Wawp-compatible server: over HTTP with undici (the Wawp API here, WAHA in
// waha.ts), or in-process to the sandbox. Every HTTP answer is bounded (http.ts) and checked here.
import { createRequire } from "node:module";
import type { Agent as AgentType, Dispatcher } from "undici";
import { addSecret, redact } from "../redact.js";
import { boundedRequest, Deadline, resolveLimits, size, type TransportLimits } from "./http.js";
import { TransportError } from "./transport-error.js";

// undici's Agent alone, not its whole index (see http.ts)
const require = createRequire(import.meta.url);
const Agent = require("undici/lib/dispatcher/agent.js") as typeof AgentType;

export type { TransportLimits } from "./http.js";
export { TransportError } from "./transport-error.js";

export interface WawpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** path below the base URL, starting with "/" */
  path: string;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
}

export interface WawpResponse {
  status: number;
  headers: Record<string, string>;
  /** parsed JSON, or the text when the body is not JSON */
  body: unknown;
}

export interface Transport {
  send(req: WawpRequest): Promise<WawpResponse>;
  /** fetch a file URL the API handed out (a group picture); never sends the credentials */
  download(url: string): Promise<Uint8Array>;
  /** where requests go, for messages; never contains the token */
  readonly label: string;
  close?(): Promise<void>;
}

/** What goes on the wire for one logical request: each backend builds its own. */
export interface Wire {
  url: URL;
  method: WawpRequest["method"];
  headers: Record<string, string>;
  body?: string;
}

export interface BoundedTransportOptions extends Partial<TransportLimits> {
  label: string;
  toWire(req: WawpRequest): Wire;
  /** for tests (undici MockAgent); by default the transport owns an Agent and closes it */
  dispatcher?: Dispatcher;
}

export interface HttpTransportOptions extends Partial<TransportLimits> {
  baseUrl: string;
  instanceId: string;
  accessToken: string;
  dispatcher?: Dispatcher;
}

/** The Wawp API: paths of wawp-api.md below `baseUrl`, the credentials in the query. */
export function httpTransport(opts: HttpTransportOptions): Transport {
  const { baseUrl, instanceId, accessToken, ...rest } = opts;
  // registered here too, so no caller can forget it: the token rides in every URL
  addSecret(accessToken);
  const base = trimBase(baseUrl, "WAWP_BASE_URL");
  return boundedTransport({
    ...rest,
    label: safeLabel(base),
    toWire(req) {
      const url = new URL(base + req.path);
      for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
      url.searchParams.set("instance_id", instanceId);
      url.searchParams.set("access_token", accessToken);
      return { url, method: req.method, ...jsonBody(req) };
    },
  });
}

/** A transport over any backend's wire format, with the limits of http.ts and the answer checks below. */
export function boundedTransport(opts: BoundedTransportOptions): Transport {
  const { label, toWire, dispatcher: given, ...partial } = opts;
  const limits = resolveLimits(partial);
  const deadline = new Deadline(limits.deadlineMs);
  const dispatcher =
    given ??
    new Agent({
      keepAliveTimeout: 10_000,
      connections: 16,
      connect: { timeout: limits.connectTimeoutMs },
    });
  return {
    label,
    async send(req) {
      const wire = toWire(req);
      const what = `${wire.method} ${wire.url.pathname}`;
      const raw = await boundedRequest({
        dispatcher,
        ...wire,
        what,
        maxBytes: limits.maxResponseBytes,
        capName: "maxResponseBytes",
        limits,
        deadline,
      });
      // the target may echo the credentials back in its query: only its origin is ever shown
      const location = raw.headers.location;
      delete raw.headers.location;
      if (raw.status >= 300 && raw.status < 400)
        // a redirect could carry the credentials to another host: reported, never followed
        return {
          status: raw.status,
          headers: raw.headers,
          body: `redirect${originOf(location)} not followed (wagroups never follows a redirect from the API)`,
        };
      return { status: raw.status, headers: raw.headers, body: readBody(what, raw) };
    },
    async download(fileUrl) {
      let url: URL;
      try {
        url = new URL(fileUrl);
      } catch {
        throw new TransportError("picture download: the API gave a URL that does not parse", false, {
          retriable: false,
        });
      }
      if (url.protocol !== "https:" && url.protocol !== "http:")
        throw new TransportError(`picture download: ${url.protocol} URLs are not fetched`, false, {
          retriable: false,
        });
      const what = `picture download from ${url.host}`;
      const raw = await boundedRequest({
        dispatcher,
        url,
        method: "GET",
        headers: { accept: "image/*" },
        what,
        maxBytes: limits.maxDownloadBytes,
        capName: "maxDownloadBytes",
        limits,
        deadline,
      });
      if (raw.status >= 300 && raw.status < 400)
        throw new TransportError(
          `${what}: answered ${raw.status}, a redirect${originOf(raw.headers.location)}; not followed`,
          true,
          { retriable: false, status: raw.status },
        );
      if (raw.status >= 400)
        throw new TransportError(`${what}: answered HTTP ${raw.status}`, true, { status: raw.status });
      return new Uint8Array(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
    },
    async close() {
      if (!given) await dispatcher.close();
    },
  };
}

/** " to http://host:port": the origin only, since the path and query may echo the credentials. */
function originOf(location: string | undefined): string {
  if (!location) return "";
  try {
    return ` to ${new URL(location).origin}`;
  } catch {
    return " to an unreadable location";
  }
}

/**
 * The body as JSON, or its text. A success that is not a usable answer (an HTML maintenance page,
 * JSON cut short, `{"error": "session not ready"}`) fails here, so no caller can read it as data.
 */
export function readBody(
  what: string,
  raw: { status: number; headers: Record<string, string>; bytes: Buffer },
) {
  const text = raw.bytes.toString("utf8");
  const ok = raw.status < 300;
  const type = raw.headers["content-type"] ?? "";
  if (/html/i.test(type) || /^\s*<(!doctype\s+html|html[\s>])/i.test(text)) {
    const title = /<title[^>]*>([^<]{1,80})/i.exec(text)?.[1]?.trim();
    const page = `an HTML page${title ? ` ("${title}")` : ""}`;
    if (!ok) return page;
    throw new TransportError(redact(`${what}: answered ${raw.status} with ${page}, not JSON`), true, {
      status: raw.status,
    });
  }
  if (text === "") return null;
  const looksJson = /json/i.test(type) || /^\s*[[{"]/.test(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (e) {
    if (ok && looksJson)
      throw new TransportError(
        `${what}: answered ${raw.status} with JSON that is cut short or malformed (${size(raw.bytes.length)}): ${(e as Error).message}`,
        true,
        { status: raw.status },
      );
    return text;
  }
  const error =
    ok && parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as { error?: unknown }).error
      : undefined;
  if (typeof error === "string" && error !== "")
    throw new TransportError(
      redact(`${what}: answered ${raw.status} with an error instead of a result: ${error.slice(0, 200)}`),
      true,
      { status: raw.status },
    );
  return parsed;
}

export function jsonBody(req: WawpRequest, body: unknown = req.body): Pick<Wire, "body" | "headers"> {
  const hasBody = body !== undefined && req.method !== "GET" && req.method !== "DELETE";
  return hasBody
    ? {
        body: JSON.stringify(body),
        headers: { accept: "application/json", "content-type": "application/json" },
      }
    : { headers: { accept: "application/json" } };
}

/** The base URL without trailing slashes; a URL that does not parse is a one-line error naming the variable. */
export function trimBase(baseUrl: string, variable: string): string {
  const base = baseUrl.trim().replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TypeError(`${variable} is not a URL: ${JSON.stringify(redact(base).slice(0, 100))}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new TypeError(`${variable} must be an http:// or https:// URL, not ${url.protocol}`);
  return base;
}

export function safeLabel(base: string): string {
  try {
    const u = new URL(base);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "the Wawp API";
  }
}
