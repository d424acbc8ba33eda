// A hostile HTTP server for the tests: every way a broken or malicious server answers, on demand.
// It listens on 127.0.0.1 only, bounds every answer, and stops itself after `lifetimeMs`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const BEHAVIOURS = [
  "ok", // 200 with an empty groups listing, the control case
  "truncated-json", // 200, application/json, cut off mid-object
  "html", // 200, an HTML maintenance page
  "not-ready", // 200, {"error":"session not ready"}
  "huge", // 200, a JSON array of `hugeBytes` (100 MB by default)
  "endless", // 200, chunked JSON that never ends (until `lifetimeMs` or the client leaves)
  "drip", // 200, one byte every `dripMs`
  "silent", // accepts the request and never answers
  "redirect", // 302 to another origin, echoing the request's path and query
  "reset", // resets the connection (TCP RST) on receipt
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export interface Seen {
  behaviour: string;
  method: string;
  /** path and query as received */
  url: string;
  headers: IncomingMessage["headers"];
  /** body bytes the server wrote before the answer ended or the client went away */
  bytesWritten: number;
  /** resolves when the server has stopped answering this request */
  done: Promise<void>;
}

export interface HostileOptions {
  hugeBytes?: number;
  dripMs?: number;
  /** the server closes itself and every connection after this long */
  lifetimeMs?: number;
}

export interface Hostile {
  /** a base URL whose every request gets `behaviour`: `${url("drip")}/groups` */
  url(behaviour: Behaviour): string;
  readonly requests: Seen[];
  /** requests that reached the origin the redirect points to (there should be none) */
  readonly elsewhere: Seen[];
  close(): Promise<void>;
}

// bytes of a JSON array that never closes
const CHUNK = Buffer.alloc(64 * 1024, "[1,");

export async function startHostile(opts: HostileOptions = {}): Promise<Hostile> {
  const hugeBytes = opts.hugeBytes ?? 100 * 1024 * 1024;
  const dripMs = opts.dripMs ?? 5_000;
  const lifetimeMs = opts.lifetimeMs ?? 60_000;
  const requests: Seen[] = [];
  const elsewhere: Seen[] = [];

  const other = await listen((req, res) => {
    const seen = record(elsewhere, "elsewhere", req);
    finish(res, seen, 200, "application/json", "[]");
  });
  const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;

  const main = await listen((req, res) => {
    const behaviour = (req.url ?? "/").split("/")[1] ?? "";
    const seen = record(requests, behaviour, req);
    switch (behaviour as Behaviour) {
      case "ok":
        return finish(res, seen, 200, "application/json", "[]");
      case "truncated-json":
        return finish(
          res,
          seen,
          200,
          "application/json",
          '[{"id":"120363025550000000@g.us","subject":"VIP-7',
        );
      case "html":
        return finish(
          res,
          seen,
          200,
          "text/html; charset=utf-8",
          "<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body>Back soon</body></html>",
        );
      case "not-ready":
        return finish(res, seen, 200, "application/json", '{"error":"session not ready"}');
      case "huge":
        return stream(res, seen, hugeBytes, 0);
      case "endless":
        return stream(res, seen, Number.POSITIVE_INFINITY, 0);
      case "drip":
        return stream(res, seen, Number.POSITIVE_INFINITY, dripMs);
      case "silent":
        req.resume();
        res.on("close", () => seen.end());
        return;
      case "redirect":
        res.setHeader("location", `${otherOrigin}${req.url ?? "/"}`);
        return finish(res, seen, 302, "text/plain", "moved");
      case "reset":
        req.socket.resetAndDestroy();
        seen.end();
        return;
      default:
        return finish(res, seen, 404, "text/plain", `no behaviour ${behaviour}`);
    }
  });
  const base = `http://127.0.0.1:${(main.address() as AddressInfo).port}`;

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= Promise.all([shut(main), shut(other)]).then(() => undefined);
    return closed;
  };
  // the server never outlives a test run that forgot to close it
  setTimeout(() => void close(), lifetimeMs).unref();

  return {
    url: (behaviour) => `${base}/${behaviour}/v2`,
    requests,
    elsewhere,
    close,
  };
}

type Recorded = Seen & { end(): void };

function record(into: Seen[], behaviour: string, req: IncomingMessage): Recorded {
  let end!: () => void;
  const done = new Promise<void>((r) => {
    end = r;
  });
  const seen: Recorded = {
    behaviour,
    method: req.method ?? "",
    url: req.url ?? "",
    headers: req.headers,
    bytesWritten: 0,
    done,
    end,
  };
  into.push(seen);
  return seen;
}

function finish(res: ServerResponse, seen: Recorded, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body, () => {
    seen.bytesWritten = Buffer.byteLength(body);
    seen.end();
  });
}

/** Writes up to `total` bytes (chunked, no length), honouring backpressure, until the client leaves. */
function stream(res: ServerResponse, seen: Recorded, total: number, everyMs: number): void {
  res.writeHead(200, { "content-type": "application/json" });
  let gone = false;
  res.on("close", () => {
    gone = true;
    seen.end();
  });
  const step = () => {
    if (gone) return;
    if (seen.bytesWritten >= total) {
      res.end(() => seen.end());
      return;
    }
    if (everyMs > 0) {
      res.write(seen.bytesWritten === 0 ? "[" : " ");
      seen.bytesWritten += 1;
      setTimeout(step, everyMs);
      return;
    }
    const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, total - seen.bytesWritten));
    seen.bytesWritten += chunk.length;
    if (res.write(chunk)) setImmediate(step);
    else res.once("drain", step);
  };
  step();
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function shut(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
