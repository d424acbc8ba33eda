// The simulator's front door: credentials (Wawp's query pair or WAHA's X-Api-Key), the request log,
// injected faults and WhatsApp's own write limit. Behind it the router, the WhatsApp model and the
// engine persona answer as a real server would.
import { reencodeLikeWhatsApp } from "../image/index.js";
import type { WawpRequest, WawpResponse } from "../wawp/transport.js";
import type { Reply } from "./engines/persona.js";
import { FaultInjector, type FaultSpec, NO_FAULTS } from "./faults.js";
import { type ReencodePicture, WhatsAppModel } from "./model.js";
import { Router } from "./router.js";
import type { Engine, SandboxState } from "./state.js";
import { fromWahaPath, type WahaRequest } from "./waha.js";

export interface LogEntry {
  at: number;
  method: string;
  path: string;
  status: number;
  write: boolean;
  fault?: string;
  body?: unknown;
}

export interface SandboxOptions {
  instanceId?: string;
  token?: string;
  faults?: FaultSpec;
  now?: () => number;
  /** how picture URLs start: the server's base URL, or "sandbox:" in-process */
  fileBase?: string;
  /** which server to play; defaults to the state's own `engine` (the seed's is "wawp") */
  engine?: Engine;
  /** how WhatsApp stores an uploaded picture (engines re-encode); defaults to keeping the bytes */
  reencodePicture?: ReencodePicture;
  /** WAHA backend: the session name in `/api/{session}/…` (default "default") */
  session?: string;
  /** WAHA backend: the X-Api-Key it accepts (default: the token) */
  apiKey?: string;
}

export type Outcome =
  | { kind: "response"; res: WawpResponse; delayMs: number }
  | { kind: "drop"; delayMs: number };

/** What WhatsApp does to an upload (a 640×640 JPEG at quality 50): the live bytes never equal the file. */
export const likeWhatsApp: ReencodePicture = (file) => ({
  mimetype: "image/jpeg",
  data: reencodeLikeWhatsApp(file.data, "sandbox picture"),
});

export class Sandbox {
  readonly log: LogEntry[] = [];
  readonly instanceId: string;
  readonly token: string;
  readonly session: string;
  readonly apiKey: string;
  readonly engine: Engine;
  faults: FaultInjector;
  fileBase: string;
  private readonly now: () => number;
  private readonly router: Router;
  private recentWrites: number[] = [];
  /** set after every change, for the owner to persist */
  dirty = false;

  constructor(
    readonly state: SandboxState,
    opts: SandboxOptions = {},
  ) {
    this.instanceId = opts.instanceId ?? "sandbox";
    this.token = opts.token ?? "sandbox";
    this.session = opts.session ?? "default";
    this.apiKey = opts.apiKey ?? this.token;
    this.engine = opts.engine ?? state.engine;
    this.faults = new FaultInjector(opts.faults ?? NO_FAULTS);
    this.now = opts.now ?? Date.now;
    this.fileBase = opts.fileBase ?? "sandbox:";
    const model = new WhatsAppModel(state, this.now, opts.reencodePicture ?? likeWhatsApp);
    this.router = new Router(model, this.engine, {
      pageCap: () => this.faults.spec.pageCap,
      fileBase: () => this.fileBase,
      now: this.now,
    });
  }

  get self(): string {
    return this.state.self;
  }

  /** A request on Wawp's paths, credentials in the query, faults included. */
  handle(req: WawpRequest): Outcome {
    if (req.path.startsWith("/files/")) return this.file(req);
    const q = req.query ?? {};
    const authorized = q.instance_id === this.instanceId && q.access_token === this.token;
    return this.serve(req, req, authorized ? undefined : "invalid instance_id or access_token");
  }

  /** A request on WAHA's paths (`/api/{session}/…`, `POST /api/sendText`), the key in X-Api-Key. */
  handleWaha(req: WahaRequest): Outcome {
    const inner = fromWahaPath(req, this.session);
    const logged: WawpRequest = {
      method: req.method,
      path: req.path,
      ...(req.body !== undefined ? { body: req.body } : {}),
    };
    if (req.apiKey !== this.apiKey) return this.serve(logged, inner, "missing or wrong X-Api-Key");
    if (inner === undefined) return this.reply(this.entry(logged), this.notFound(req), 0);
    return this.serve(logged, inner, undefined);
  }

  private notFound(req: WahaRequest): Reply {
    return {
      status: 404,
      body: { statusCode: 404, message: `Cannot ${req.method} ${req.path}`, error: "Not Found" },
    };
  }

  private entry(req: WawpRequest): LogEntry {
    const write = req.method !== "GET";
    const entry: LogEntry = { at: this.now(), method: req.method, path: req.path, status: 0, write };
    if (write && req.body !== undefined) entry.body = req.body;
    this.log.push(entry);
    return entry;
  }

  private reply(entry: LogEntry, r: Reply, delayMs: number, headers: Record<string, string> = {}): Outcome {
    entry.status = r.status;
    return { kind: "response", res: { status: r.status, headers, body: r.body }, delayMs };
  }

  /** Log, authenticate, inject faults, keep the write limit, then route. */
  private serve(
    logged: WawpRequest,
    req: WawpRequest | undefined,
    unauthorized: string | undefined,
  ): Outcome {
    const entry = this.entry(logged);
    if (unauthorized || !req)
      return this.reply(
        entry,
        { status: 401, body: { statusCode: 401, message: unauthorized, error: "Unauthorized" } },
        0,
      );
    const write = entry.write;
    const decision = this.faults.decide(write, `${req.path} ${JSON.stringify(req.body ?? "")}`);
    const { delayMs } = decision;
    if (decision.kind !== "none") entry.fault = decision.kind;
    if (decision.kind === "error") {
      const body = { statusCode: 500, message: "upstream error (injected)", error: "wawp_upstream_error" };
      return this.reply(entry, { status: 500, body }, delayMs);
    }
    if (decision.kind === "429") {
      const body = { statusCode: 429, message: "rate limited (injected)" };
      return this.reply(entry, { status: 429, body }, delayMs, {
        "retry-after": String(this.faults.spec.retryAfter),
      });
    }
    if (decision.kind === "drop") return { kind: "drop", delayMs };
    if (write && this.faults.spec.rateLimit > 0) {
      const t = this.now();
      this.recentWrites = this.recentWrites.filter((w) => t - w < 60_000);
      if (this.recentWrites.length >= this.faults.spec.rateLimit) {
        const wait = Math.ceil((60_000 - (t - this.recentWrites[0]!)) / 1000);
        const body = { statusCode: 429, message: "group_req_per_minute exceeded" };
        return this.reply(entry, { status: 429, body }, delayMs, { "retry-after": String(wait) });
      }
      this.recentWrites.push(t);
    }
    const r = this.router.route(req);
    if (write && r.status < 300) this.dirty = true;
    const out = this.reply(entry, r, delayMs);
    if (decision.kind === "lost") {
      // the change is made; the answer never arrives
      entry.fault = "lost";
      return { kind: "drop", delayMs };
    }
    return out;
  }

  /** A picture the API handed out a URL for; no credentials, like a CDN. */
  private file(req: WawpRequest): Outcome {
    const entry = this.entry(req);
    const sha = req.path.slice("/files/".length).replace(/\.\w+$/, "");
    const f = this.state.files[sha];
    if (!f) return this.reply(entry, { status: 404, body: "no such file" }, 0);
    return this.reply(entry, { status: 200, body: { __file: f.data, mimetype: f.mimetype } }, 0, {
      "content-type": f.mimetype,
    });
  }
}
