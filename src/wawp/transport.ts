// How a request reaches a Wawp-compatible server: over HTTP with undici, or in-process to the sandbox.
import { Agent, type Dispatcher, request } from "undici";
import { redact } from "../redact.js";

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

/** No HTTP answer. `sent` is true when the request may have reached the server. */
export class TransportError extends Error {
  override name = "TransportError";
  constructor(
    message: string,
    readonly sent: boolean,
  ) {
    super(message);
  }
}

export interface Transport {
  send(req: WawpRequest): Promise<WawpResponse>;
  /** fetch a file URL the API handed out (a group picture); never sends the credentials */
  download(url: string): Promise<Uint8Array>;
  /** where requests go, for messages; never contains the token */
  readonly label: string;
  close?(): Promise<void>;
}

export interface HttpTransportOptions {
  baseUrl: string;
  instanceId: string;
  accessToken: string;
  dispatcher?: Dispatcher;
  /** ms before a request with no answer is abandoned */
  timeoutMs?: number;
}

export function httpTransport(opts: HttpTransportOptions): Transport {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const timeout = opts.timeoutMs ?? 30_000;
  const dispatcher =
    opts.dispatcher ??
    new Agent({
      keepAliveTimeout: 10_000,
      connections: 16,
      connect: { timeout: 10_000 },
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
  const label = safeLabel(base);
  return {
    label,
    async send(req) {
      const url = new URL(base + req.path);
      for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
      url.searchParams.set("instance_id", opts.instanceId);
      url.searchParams.set("access_token", opts.accessToken);
      const hasBody = req.body !== undefined && req.method !== "GET" && req.method !== "DELETE";
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, {
          method: req.method,
          dispatcher,
          headers: { accept: "application/json", ...(hasBody ? { "content-type": "application/json" } : {}) },
          body: hasBody ? JSON.stringify(req.body) : undefined,
          headersTimeout: timeout,
          bodyTimeout: timeout,
        });
      } catch (e) {
        throw toTransportError(e, true);
      }
      let text: string;
      try {
        text = await res.body.text();
      } catch (e) {
        throw toTransportError(e, true);
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v);
      return { status: res.statusCode, headers, body: parseBody(text) };
    },
    async download(fileUrl) {
      try {
        const res = await request(fileUrl, {
          method: "GET",
          dispatcher,
          headersTimeout: timeout,
          bodyTimeout: timeout,
        });
        if (res.statusCode >= 400) {
          await res.body.dump();
          throw new TransportError(`picture download answered ${res.statusCode}`, true);
        }
        return new Uint8Array(await res.body.arrayBuffer());
      } catch (e) {
        throw toTransportError(e, true);
      }
    },
    async close() {
      if (!opts.dispatcher) await dispatcher.close();
    },
  };
}

function safeLabel(base: string): string {
  try {
    const u = new URL(base);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "the Wawp API";
  }
}

export function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toTransportError(e: unknown, sent: boolean): TransportError {
  if (e instanceof TransportError) return e;
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  // a refused connection never reached the server: safe to retry even a create
  const neverSent = code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "UND_ERR_CONNECT_TIMEOUT";
  const what = code ? `${code}` : "network error";
  return new TransportError(redact(`${what}: ${err.message ?? String(e)}`), sent && !neverSent);
}
