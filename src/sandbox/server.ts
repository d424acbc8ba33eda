// `wagroups sandbox serve`: the simulator over HTTP, on 127.0.0.1 only. Wawp's `/v2/…` paths always
// (credentials in the query); with the WAHA backend also WAHA's `/api/…` paths (key in X-Api-Key).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type DriftTarget, drift } from "./drift.js";
import type { Outcome, Sandbox } from "./sandbox.js";

export interface ServeOptions {
  port?: number;
  /** "waha": also serve WAHA's `/api/{session}/…` paths, and hand out WAHA's base URL (the origin) */
  backend?: "wawp" | "waha";
  /** called after a request that changed the state */
  onChange?: () => void;
}

export interface RunningServer {
  server: Server;
  /** WAWP_BASE_URL (ending /v2), or WAHA_URL (the origin) with the WAHA backend */
  baseUrl: string;
  close(): Promise<void>;
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

type Reply =
  | { kind: "drop"; delayMs: number }
  | {
      kind: "response";
      status: number;
      headers: Record<string, string>;
      body: unknown;
      delayMs: number;
      file?: { data: string; mimetype: string };
    };

const plain = (status: number, body: unknown): Reply => ({
  kind: "response",
  status,
  headers: {},
  body,
  delayMs: 0,
});

export async function serveSandbox(sandbox: Sandbox, opts: ServeOptions = {}): Promise<RunningServer> {
  const server = createServer((req, res) => {
    void handle(req).then(
      (r) => {
        if (r.kind === "drop") {
          setTimeout(() => req.socket.destroy(), r.delayMs);
          return;
        }
        setTimeout(() => {
          if (r.file) {
            res.writeHead(200, { "content-type": r.file.mimetype });
            res.end(Buffer.from(r.file.data, "base64"));
            return;
          }
          // an engine whose handler returns nothing answers with no body at all (NestJS does)
          if (r.body === undefined) {
            res.writeHead(r.status, r.headers);
            res.end();
            return;
          }
          res.writeHead(r.status, { "content-type": "application/json", ...r.headers });
          res.end(JSON.stringify(r.body));
        }, r.delayMs);
      },
      () => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ statusCode: 500, message: "sandbox internal error" }));
      },
    );
  });

  async function handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return plain(400, { statusCode: 400, message: "body is not JSON" });
      }
    }
    const query = Object.fromEntries(url.searchParams.entries());
    const method = (req.method ?? "GET").toUpperCase() as Method;
    const withBody = body !== undefined ? { body } : {};
    if (url.pathname.startsWith("/files/")) return file(url.pathname);
    if (url.pathname.startsWith("/__sandbox/")) return control(url.pathname, query, req, body);
    if (opts.backend === "waha" && (url.pathname === "/api" || url.pathname.startsWith("/api/"))) {
      const apiKey = req.headers["x-api-key"];
      return finish(
        sandbox.handleWaha({
          method,
          path: url.pathname,
          query,
          ...withBody,
          ...(typeof apiKey === "string" ? { apiKey } : {}),
        }),
      );
    }
    if (!url.pathname.startsWith("/v2/") && url.pathname !== "/v2")
      return plain(404, {
        statusCode: 404,
        message: `not found; the API is under /v2${opts.backend === "waha" ? " and /api" : ""}`,
      });
    // credentials may ride in the body as well as the query
    if (body && typeof body === "object" && !Array.isArray(body)) {
      const b = body as Record<string, unknown>;
      if (typeof b.instance_id === "string" && !query.instance_id) query.instance_id = b.instance_id;
      if (typeof b.access_token === "string" && !query.access_token) query.access_token = b.access_token;
    }
    return finish(sandbox.handle({ method, path: url.pathname.slice(3) || "/", query, ...withBody }));
  }

  function finish(out: Outcome): Reply {
    if (sandbox.dirty) {
      sandbox.dirty = false;
      opts.onChange?.();
    }
    if (out.kind === "drop") return out;
    return {
      kind: "response",
      status: out.res.status,
      headers: out.res.headers,
      body: out.res.body,
      delayMs: out.delayMs,
    };
  }

  function file(path: string): Reply {
    const out = sandbox.handle({ method: "GET", path });
    if (out.kind === "drop" || out.res.status !== 200) return plain(404, "not found");
    const f = out.res.body as { __file: string; mimetype: string };
    return {
      kind: "response",
      status: 200,
      headers: {},
      body: null,
      delayMs: 0,
      file: { data: f.__file, mimetype: f.mimetype },
    };
  }

  /** Test hooks: the state and the request log, behind the same credentials (or the WAHA key). */
  function control(path: string, query: Record<string, string>, req: IncomingMessage, body: unknown): Reply {
    const method = req.method ?? "GET";
    const ok =
      (query.access_token === sandbox.token && query.instance_id === sandbox.instanceId) ||
      (opts.backend === "waha" && req.headers["x-api-key"] === sandbox.apiKey);
    if (!ok) return plain(401, { statusCode: 401, message: "Unauthorized" });
    if (path === "/__sandbox/state" && method === "GET") return plain(200, sandbox.state);
    if (path === "/__sandbox/log" && method === "GET") return plain(200, sandbox.log);
    if (path === "/__sandbox/drift" && method === "POST") {
      // `sandbox drift --url`: people change the running server's groups (watch hears it by webhook)
      // the CLI names the groups a plan owns (it read the manifests); the server changes them
      const targets = Array.isArray(body) ? (body as DriftTarget[]) : [];
      const done = drift(
        sandbox.state,
        targets,
        Number(query.seed) || 1,
        Math.max(1, Number(query.changes) || 3),
      );
      sandbox.dirty = true;
      return finish({ kind: "response", res: { status: 200, headers: {}, body: done }, delayMs: 0 });
    }
    if (path === "/__sandbox/log" && method === "DELETE") {
      sandbox.log.length = 0;
      return plain(200, { ok: true });
    }
    return plain(404, { statusCode: 404, message: "unknown sandbox call" });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  server.keepAliveTimeout = 5_000;
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  sandbox.fileBase = origin;
  return {
    server,
    baseUrl: opts.backend === "waha" ? origin : `${origin}/v2`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
