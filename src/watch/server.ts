// The HTTP side of watch: POST /webhooks/wawp, GET /healthz, GET /metrics. A delivery is checked
// (size, signature, JSON, redelivery) and answered 202 before any reconciling: WAHA waits for the
// answer and retries slow receivers, so the work happens after the reply.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { WatchMetrics } from "./metrics.js";
import { SeenIds, verifySignature } from "./verify.js";

export const MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookServerOptions {
  host: string;
  port: number;
  /** undefined only with --insecure-no-webhook-auth */
  secret: string | undefined;
  metrics: WatchMetrics;
  healthy: () => boolean;
  /** an accepted delivery's parsed body; called after the 202 went out */
  deliver: (body: unknown) => void;
  maxBodyBytes?: number;
}

export interface WebhookServer {
  server: Server;
  url: string;
  /** refuse new deliveries (503) while the work in flight ends */
  refuse(): void;
  close(): Promise<void>;
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const seen = new SeenIds();
  const cap = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  let refusing = false;
  const reply = (res: ServerResponse, status: number, body: unknown, type = "application/json") => {
    res.writeHead(status, { "content-type": type });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
  const reject = (res: ServerResponse, status: number, reason: string, message: string) => {
    opts.metrics.eventsRejected.inc({ reason });
    reply(res, status, { error: message });
  };

  const webhook = (req: IncomingMessage, res: ServerResponse) => {
    if (refusing) return reply(res, 503, { error: "shutting down" });
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > cap) {
      res.setHeader("connection", "close");
      return reject(res, 413, "size", `body over ${cap} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > cap && !over) {
        over = true;
        res.setHeader("connection", "close");
        reject(res, 413, "size", `body over ${cap} bytes`);
        req.destroy();
      } else if (!over) chunks.push(c);
    });
    req.on("end", () => {
      if (over) return;
      const raw = Buffer.concat(chunks);
      if (opts.secret !== undefined) {
        const sig = req.headers["x-webhook-hmac"];
        if (!verifySignature(raw, typeof sig === "string" ? sig : undefined, opts.secret))
          return reject(res, 401, "signature", "missing or wrong X-Webhook-Hmac");
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return reject(res, 400, "json", "body is not JSON");
      }
      const id = req.headers["x-webhook-request-id"];
      if (typeof id === "string" && id && !seen.first(id)) {
        opts.metrics.eventsIgnored.inc({ reason: "redelivery" });
        return reply(res, 202, { accepted: true, duplicate: true });
      }
      reply(res, 202, { accepted: true });
      setImmediate(() => opts.deliver(body));
    });
    req.on("error", () => undefined);
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/webhooks/wawp") {
      if (req.method !== "POST") return reply(res, 405, { error: "POST only" });
      return webhook(req, res);
    }
    if (path === "/healthz" && req.method === "GET")
      return opts.healthy()
        ? reply(res, 200, "ok\n", "text/plain")
        : reply(res, 503, "waiting for the first full resync\n", "text/plain");
    if (path === "/metrics" && req.method === "GET") {
      void opts.metrics.registry.metrics().then(
        (text) => reply(res, 200, text, opts.metrics.registry.contentType),
        () => reply(res, 500, "metrics failed\n", "text/plain"),
      );
      return;
    }
    reply(res, 404, { error: "not found: POST /webhooks/wawp, GET /healthz, GET /metrics" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `http://${host}:${port}`,
    refuse: () => {
      refusing = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
