import { existsSync, rmSync } from "node:fs";
import { UsageError } from "../../errors.js";
import { jidsOf } from "../../manifest/persons.js";
import { addSecret } from "../../redact.js";
import { type DriftTarget, drift } from "../../sandbox/drift.js";
import { parseFaults } from "../../sandbox/faults.js";
import { Sandbox } from "../../sandbox/sandbox.js";
import { seedState } from "../../sandbox/seed.js";
import { serveSandbox } from "../../sandbox/server.js";
import { parseEngine, parseQuirks, QUIRKS, type SandboxState } from "../../sandbox/state.js";
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
  /** comma-separated server quirks (src/sandbox/state.ts QUIRKS) */
  quirks?: string;
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
  // saved with --state like the engine; --quirks "" turns them all off again
  if (opts.quirks !== undefined) state.quirks = parseQuirks(opts.quirks, "--quirks");
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
  const on = Object.entries(QUIRKS).filter(([, key]) => sandbox.state.quirks?.[key]);
  if (on.length) io.err(`wagroups sandbox: playing a server with ${on.map(([name]) => name).join(", ")}\n`);
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

export interface DriftOptions {
  state?: string;
  dir: string;
  seed: string;
  changes: string;
  /** drift a running `sandbox serve` instead of the state file */
  url?: string;
}

/** Drift the local sandbox where a plan of `--dir` sees it, and say what changed, group by group. */
export async function driftCommand(opts: DriftOptions, io: Output): Promise<void> {
  if (opts.url) return driftServed(opts.url, opts, io);
  const changes = Number(opts.changes);
  if (!Number.isInteger(changes) || changes < 1)
    throw new UsageError(`--changes must be a whole number above 0 (got "${opts.changes}")`);
  const file = opts.state ?? stateFile();
  const state = loadState(file);
  const targets = await driftTargets(state, opts.dir, io);
  if (!targets.length)
    throw new UsageError(
      `no live group in the sandbox belongs to a manifest in ${opts.dir}: apply first (wagroups apply --auto-approve), or name the manifests with --dir`,
    );
  const done = drift(state, targets, Number(opts.seed) || Date.now() % 100_000, changes);
  saveState(file, state);
  for (const d of done) io.out(`~ ${d.line}\n`);
  io.out(
    `Drifted ${new Set(done.map((d) => d.serial)).size} group(s) in the sandbox (${file}); \`wagroups plan\` shows what changed.\n`,
  );
}

/** The live groups a plan of `dir` owns (update or nothing to do), with what their manifests declare. */
async function driftTargets(state: SandboxState, dir: string, io: Output): Promise<DriftTarget[]> {
  const [{ loadOrExitAsync }, { planFleet }, { WawpClient }, { inProcessTransport }, { renderSubject }] =
    await Promise.all([
      import("./validate.js"),
      import("../../reconcile/index.js"),
      import("../../wawp/client.js"),
      import("../../sandbox/transport.js"),
      import("../../manifest/subject.js"),
    ]);
  const sandbox = new Sandbox(state, { faults: parseFaults(undefined) });
  const { plan, desired } = await planFleet(
    { reader: new WawpClient(inProcessTransport(sandbox)), self: sandbox.self },
    { desired: loadOrExitAsync(dir, io).then((r) => r.desired), targets: [], fingerprints: false },
  );
  const manifests = new Map(desired.groups.map((g) => [g.serial, g]));
  return plan.groups.flatMap((p) => {
    const m = manifests.get(p.serial);
    if (!m || !p.groupId || p.blocked || (p.action !== "update" && p.action !== "none")) return [];
    return [
      {
        serial: p.serial,
        id: p.groupId,
        renamed: renderSubject(desired.config.subjectFormat, p.serial, "Renamed in the app"),
        listed: [...jidsOf(m.admins), ...jidsOf(m.members)],
        sendMessages: m.settings.sendMessages,
        describes: m.description !== undefined,
      },
    ];
  });
}

/** Drift a running `sandbox serve` (its credentials from WAWP_INSTANCE_ID / WAWP_ACCESS_TOKEN, default sandbox). */
async function driftServed(url: string, opts: DriftOptions, io: Output): Promise<void> {
  const origin = url.replace(/\/v2\/?$/, "").replace(/\/$/, "");
  const creds = {
    instance_id: process.env.WAWP_INSTANCE_ID || "sandbox",
    access_token: process.env.WAWP_ACCESS_TOKEN || "sandbox",
  };
  const q = new URLSearchParams({
    ...creds,
    seed: String(Number(opts.seed) || Date.now() % 100_000),
    changes: String(Math.max(1, Number(opts.changes) || 3)),
  });
  let res: Response;
  try {
    // the groups a plan of --dir owns, read from the running sandbox's own state
    const state = (await (
      await fetch(`${origin}/__sandbox/state?${new URLSearchParams(creds)}`)
    ).json()) as SandboxState;
    const targets = await driftTargets(state, opts.dir, io);
    res = await fetch(`${origin}/__sandbox/drift?${q}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(targets),
    });
  } catch (e) {
    throw new UsageError(`--url ${url}: no sandbox answers there (${(e as Error).message})`);
  }
  if (res.status !== 200)
    throw new UsageError(`--url ${url}: the sandbox refused the drift (HTTP ${res.status})`);
  for (const d of (await res.json()) as { line: string }[]) io.out(`~ ${d.line}\n`);
  io.out(`Drifted the running sandbox at ${origin}.\n`);
}
