// Every byte wagroups reads from a server passes through here, bounded in time and size: a broken or
// hostile server can make a call fail with a one-line reason, never hang the run or fill the memory.
import { createRequire } from "node:module";
import type { Dispatcher } from "undici";
import { redact } from "../redact.js";
import { TransportError } from "./transport-error.js";

// undici's request() alone: its index loads every dispatcher, fetch, the mocks and the caches, a
// third of a short run's start-up. The function undici's own request(url, opts) calls with the
// dispatcher as `this` once it has split the URL into origin and path.
const require = createRequire(import.meta.url);
const dispatchRequest = require("undici/lib/api/api-request.js") as (
  this: Dispatcher,
  opts: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

const MiB = 1024 * 1024;

export interface TransportLimits {
  /** ms to wait for a server to accept the connection */
  connectTimeoutMs: number;
  /** ms from sending a request to its response headers */
  headersTimeoutMs: number;
  /** ms to read a whole response body, however slowly it trickles in */
  bodyTimeoutMs: number;
  /** bytes an API response may have (a listing page is the largest) */
  maxResponseBytes: number;
  /** bytes a downloaded file (a group picture) may have */
  maxDownloadBytes: number;
  /** ms after the transport's creation when every call fails: the whole run's deadline (none when unset) */
  deadlineMs?: number;
}

export const DEFAULT_LIMITS: Readonly<TransportLimits> = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 60_000,
  maxResponseBytes: 64 * MiB,
  maxDownloadBytes: 8 * MiB,
};

/** Checks the limits once, so a bad option fails at start-up and not in the middle of an apply. */
export function resolveLimits(partial: Partial<TransportLimits> = {}): TransportLimits {
  const limits: TransportLimits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(partial) as [keyof TransportLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
      throw new RangeError(`transport limit ${key} must be a positive number, got ${String(value)}`);
    limits[key] = value;
  }
  return limits;
}

/** The whole run's end: every call checks it before sending and is cut short by it. */
export class Deadline {
  private readonly at: number;
  constructor(
    readonly ms: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.at = ms === undefined ? Number.POSITIVE_INFINITY : now() + ms;
  }
  remaining(): number {
    return Math.max(0, this.at - this.now());
  }
  describe(): string {
    return `the run's deadline (deadlineMs ${this.ms ?? "none"}, ${duration(this.ms ?? 0)})`;
  }
}

export interface BoundedCall {
  dispatcher: Dispatcher;
  url: URL;
  method: "GET" | "POST" | "PUT" | "DELETE";
  headers: Record<string, string>;
  body?: string;
  /** names the request in errors, without the query: "GET /groups" */
  what: string;
  /** the size cap for this response, and the option that sets it */
  maxBytes: number;
  capName: "maxResponseBytes" | "maxDownloadBytes";
  limits: TransportLimits;
  deadline: Deadline;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  bytes: Buffer;
}

type Cut = "headers" | "body" | "deadline";

/** One request, never followed through a redirect, read up to its size cap within its time limits. */
export async function boundedRequest(call: BoundedCall): Promise<RawResponse> {
  const { limits, deadline, what } = call;
  if (deadline.remaining() <= 0)
    throw new TransportError(`${what}: not sent: ${deadline.describe()} has passed`, false, {
      retriable: false,
    });
  const abort = new AbortController();
  let cut: Cut | undefined;
  let timer: NodeJS.Timeout | undefined;
  // one timer at a time: the phase's own limit or the deadline, whichever ends first
  const arm = (phase: "headers" | "body", ms: number) => {
    clearTimeout(timer);
    const left = deadline.remaining();
    const which: Cut = left < ms ? "deadline" : phase;
    timer = setTimeout(
      () => {
        cut = which;
        abort.abort(new Error(`${which} limit`));
      },
      Math.min(ms, left),
    );
  };
  let received = 0;
  const fail = (e: unknown): TransportError => {
    if (cut === "headers")
      return new TransportError(
        `${what}: no response within ${duration(limits.headersTimeoutMs)} (headersTimeoutMs)`,
        true,
      );
    if (cut === "body")
      return new TransportError(
        `${what}: response body not complete within ${duration(limits.bodyTimeoutMs)} (bodyTimeoutMs); ${size(received)} received`,
        true,
      );
    if (cut === "deadline")
      return new TransportError(`${what}: cut short: ${deadline.describe()} has passed`, true, {
        retriable: false,
      });
    return networkError(what, e);
  };

  arm("headers", limits.headersTimeoutMs);
  let res: Dispatcher.ResponseData;
  try {
    const { url } = call;
    res = await dispatchRequest.call(call.dispatcher, {
      origin: url.origin,
      path: url.search ? `${url.pathname}${url.search}` : url.pathname,
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal: abort.signal,
      // undici's own idle timers stay as a backstop behind ours
      headersTimeout: limits.headersTimeoutMs + 1_000,
      bodyTimeout: limits.bodyTimeoutMs + 1_000,
      // undici's request() follows no redirect without the redirect interceptor, which is never installed
    });
  } catch (e) {
    clearTimeout(timer);
    throw fail(e);
  }
  arm("body", limits.bodyTimeoutMs);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v);
  const tooBig = () =>
    new TransportError(
      `${what}: response larger than the ${size(call.maxBytes)} cap (${call.capName}); stopped reading`,
      true,
      { retriable: false, status: res.statusCode },
    );
  try {
    const declared = Number(headers["content-length"]);
    if (Number.isFinite(declared) && declared > call.maxBytes) throw tooBig();
    const chunks: Buffer[] = [];
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > call.maxBytes) throw tooBig();
      chunks.push(chunk);
    }
    return { status: res.statusCode, headers, bytes: Buffer.concat(chunks, received) };
  } catch (e) {
    // stop the server's stream at once: neither its bytes nor its socket are wanted any more
    res.body.destroy();
    if (e instanceof TransportError) throw e;
    throw fail(e);
  } finally {
    clearTimeout(timer);
  }
}

const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

function networkError(what: string, e: unknown): TransportError {
  if (e instanceof TransportError) return e;
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code;
  const why =
    code === "ECONNRESET" || code === "UND_ERR_SOCKET"
      ? "connection reset by the server"
      : code === "UND_ERR_HEADERS_TIMEOUT"
        ? "no response headers in time"
        : code === "UND_ERR_BODY_TIMEOUT"
          ? "response body stalled"
          : (err.message ?? String(e));
  const detail = err.cause?.message && !why.includes(err.cause.message) ? ` (${err.cause.message})` : "";
  // a connection that was never made never reached the server: safe to retry even a create
  const sent = !(code && NEVER_SENT.has(code));
  return new TransportError(redact(`${what}: ${why}${detail}${code ? ` [${code}]` : ""}`), sent);
}

export function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6_000) / 10} min`;
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MiB) return `${Math.round(bytes / 102.4) / 10} KiB`;
  return `${Math.round(bytes / (MiB / 10)) / 10} MiB`;
}
