// `wagroups sandbox serve`: the simulator over HTTP, on 127.0.0.1 only.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Sandbox } from "./sandbox.js";

export interface ServeOptions {
  port?: number;
  /** called after a request that changed the state */
  onChange?: () => void;
}

export interface RunningServer {
  server: Server;
  baseUrl: string;
  close(): Promise<void>;
}

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
          const text = typeof r.body === "string" ? JSON.stringify(r.body) : JSON.stringify(r.body ?? null);
          res.writeHead(r.status, { "content-type": "application/json", ...r.headers });
          res.end(text);
        }, r.delayMs);
      },
      () => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ statusCode: 500, message: "sandbox internal error" }));
      },
    );
  });

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
    if (url.pathname.startsWith("/files/")) {
      const out = sandbox.handle({ method: "GET", path: url.pathname });
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
    if (url.pathname.startsWith("/__sandbox/")) return control(url.pathname, query, req.method ?? "GET");
    if (!url.pathname.startsWith("/v2/") && url.pathname !== "/v2")
      return plain(404, { statusCode: 404, message: "not found; the API is under /v2" });
    const method = (req.method ?? "GET").toUpperCase() as "GET" | "POST" | "PUT" | "DELETE";
    // credentials may ride in the body as well as the query
    if (body && typeof body === "object" && !Array.isArray(body)) {
      const b = body as Record<string, unknown>;
      if (typeof b.instance_id === "string" && !query.instance_id) query.instance_id = b.instance_id;
      if (typeof b.access_token === "string" && !query.access_token) query.access_token = b.access_token;
    }
    const out = sandbox.handle({
      method,
      path: url.pathname.slice(3) || "/",
      query,
      ...(body !== undefined ? { body } : {}),
    });
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

  /** Test hooks: the state and the request log, behind the same credentials. */
  function control(path: string, query: Record<string, string>, method: string): Reply {
    const ok = query.access_token === sandbox.token && query.instance_id === sandbox.instanceId;
    if (!ok) return plain(401, { statusCode: 401, message: "Unauthorized" });
    if (path === "/__sandbox/state" && method === "GET") return plain(200, sandbox.state);
    if (path === "/__sandbox/log" && method === "GET") return plain(200, sandbox.log);
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
    baseUrl: `${origin}/v2`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
