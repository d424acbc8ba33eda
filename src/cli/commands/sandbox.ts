import { existsSync, rmSync } from "node:fs";
import { UsageError } from "../../errors.js";
import { addSecret } from "../../redact.js";
import { drift } from "../../sandbox/drift.js";
import { parseFaults } from "../../sandbox/faults.js";
import { Sandbox } from "../../sandbox/sandbox.js";
import { seedState } from "../../sandbox/seed.js";
import { serveSandbox } from "../../sandbox/server.js";
import { parseEngine } from "../../sandbox/state.js";
import { loadState, saveState, stateFile } from "../../sandbox/store.js";
import { WebhookEmitter } from "../../sandbox/webhooks.js";
import type { Output } from "../output.js";

export interface ServeOptions {
  port: string;
  state?: string;
  faults?: string;
  instance: string;
  token: string;
  engine?: string;
  backend?: string;
  session?: string;
  /** POST signed group events here on every state change (watch's /webhooks/wawp) */
  webhook?: string;
  webhookSecret?: string;
}

/** Serve until SIGINT/SIGTERM; the first stdout line is the base URL. */
export async function serveCommand(opts: ServeOptions, io: Output): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0 to 65535 (got "${opts.port}")`);
  const state = opts.state ? loadState(opts.state) : seedState();
  const backend = opts.backend ?? "wawp";
  if (backend !== "wawp" && backend !== "waha")
    throw new UsageError(`--backend must be wawp or waha (got "${backend}")`);
  // the engine is saved with --state, so a server restarted on the same file plays the same engine
  if (opts.engine) state.engine = parseEngine(opts.engine, "--engine");
  addSecret(opts.token);
  const sandbox = new Sandbox(state, {
    instanceId: opts.instance,
    token: opts.token,
    faults: parseFaults(opts.faults),
    ...(opts.session ? { session: opts.session } : {}),
  });
  const secret = opts.webhookSecret ?? process.env.WAGROUPS_WEBHOOK_SECRET;
  if (secret) addSecret(secret);
  const hooks = opts.webhook
    ? new WebhookEmitter(sandbox.state, { url: opts.webhook, ...(secret ? { secret } : {}) }, (l) =>
        io.err(`${l}\n`),
      )
    : undefined;
  let timer: NodeJS.Timeout | undefined;
  const persist = () => {
    if (opts.state) saveState(opts.state, sandbox.state);
  };
  const running = await serveSandbox(sandbox, {
    port,
    backend,
    onChange: () => {
      hooks?.changed();
      // batch writes: a busy apply changes the state many times a second
      timer ??= setTimeout(() => {
        timer = undefined;
        persist();
      }, 200);
    },
  });
  io.out(`${running.baseUrl}\n`);
  io.err(
    backend === "waha"
      ? `wagroups sandbox: serving the WAHA API at ${running.baseUrl} (session "${sandbox.session}", X-Api-Key: the --token; engine ${sandbox.engine}); Ctrl-C stops\n`
      : `wagroups sandbox: serving the Wawp API at ${running.baseUrl} (instance "${opts.instance}", engine ${sandbox.engine}); Ctrl-C stops\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  if (timer) clearTimeout(timer);
  persist();
  // a client that keeps a connection half-open must not keep the simulator alive
  setTimeout(() => process.exit(0), 2000).unref();
  await running.close();
}

export async function resetCommand(opts: { state?: string }, io: Output): Promise<void> {
  const file = opts.state ?? stateFile();
  if (existsSync(file)) rmSync(file);
  saveState(file, seedState());
  io.out(`Reset the sandbox to its seed (${file}).\n`);
}

export async function driftCommand(
  opts: { state?: string; seed: string; changes: string; url?: string },
  io: Output,
): Promise<void> {
  if (opts.url) return driftServed(opts.url, opts, io);
  const file = opts.state ?? stateFile();
  const state = loadState(file);
  const done = drift(
    state,
    Number(opts.seed) || Date.now() % 100_000,
    Math.max(1, Number(opts.changes) || 3),
  );
  saveState(file, state);
  for (const line of done) io.out(`~ ${line}\n`);
  io.out(`Drifted the sandbox (${file}); \`wagroups plan\` shows what changed.\n`);
}

/** Drift a running `sandbox serve` (its credentials from WAWP_INSTANCE_ID / WAWP_ACCESS_TOKEN, default sandbox). */
async function driftServed(url: string, opts: { seed: string; changes: string }, io: Output): Promise<void> {
  const origin = url.replace(/\/v2\/?$/, "").replace(/\/$/, "");
  const q = new URLSearchParams({
    instance_id: process.env.WAWP_INSTANCE_ID || "sandbox",
    access_token: process.env.WAWP_ACCESS_TOKEN || "sandbox",
    seed: String(Number(opts.seed) || Date.now() % 100_000),
    changes: String(Math.max(1, Number(opts.changes) || 3)),
  });
  let res: Response;
  try {
    res = await fetch(`${origin}/__sandbox/drift?${q}`, { method: "POST" });
  } catch (e) {
    throw new UsageError(`--url ${url}: no sandbox answers there (${(e as Error).message})`);
  }
  if (res.status !== 200)
    throw new UsageError(`--url ${url}: the sandbox refused the drift (HTTP ${res.status})`);
  for (const line of (await res.json()) as string[]) io.out(`~ ${line}\n`);
  io.out(`Drifted the running sandbox at ${origin}.\n`);
}
