// Where the API is: Wawp, a self-hosted WAHA, or the built-in sandbox (in-process, its state kept in
// .wagroups/sandbox.json). The choice is the CLI's (src/cli/backend.ts); the client only sees a Transport.
import path from "node:path";
import type { Clock } from "../clock.js";
import { ConfigError } from "../errors.js";
import { addSecret } from "../redact.js";
import { parseFaults } from "../sandbox/faults.js";
import { Sandbox } from "../sandbox/sandbox.js";
import { sandboxEngine } from "../sandbox/state.js";
import { loadState, saveState, stateFile } from "../sandbox/store.js";
import { inProcessTransport } from "../sandbox/transport.js";
import { type ClientOptions, WawpClient } from "../wawp/client.js";
import { httpTransport, type Transport } from "../wawp/transport.js";
import { wahaTransport } from "../wawp/waha.js";
import { chooseBackend } from "./backend.js";

const DEFAULT_BASE_URL = "https://api.wawp.net/v2";

export interface Connection {
  client: WawpClient;
  /** where requests go, safe to print; exactly "sandbox" for the sandbox */
  label: string;
  /** names the instance for the apply lock (never a secret) */
  lockKey: string;
  sandbox?: Sandbox;
  /** the embedded sandbox's simulated time, for the executor: paced writes take no wall time */
  clock?: Clock;
  /** persist the sandbox's state (when it changed) and close connections */
  finish(): Promise<void>;
}

export interface ConnectOptions {
  env?: Record<string, string | undefined>;
  client?: ClientOptions;
  /** --sandbox: the sandbox on purpose, in CI too */
  sandbox?: boolean;
  /** told once on stderr when the sandbox is used */
  notice?: (line: string) => void;
}

export function connect(opts: ConnectOptions = {}): Connection {
  const env = opts.env ?? process.env;
  const backend = chooseBackend(env, { ...(opts.sandbox ? { sandbox: true } : {}) });
  if (backend.kind === "sandbox") {
    const file = stateFile(env);
    const engine = sandboxEngine(env);
    // the write budget paces a real number; in the simulator its waits pass at once, and the simulator's
    // clock moves by them, so the live state reads as if the apply had taken its real time
    let skipped = 0;
    const clock: Clock = {
      now: () => Date.now() + skipped,
      sleep: async (ms) => {
        skipped += ms;
      },
    };
    const sandbox = new Sandbox(loadState(file), {
      faults: parseFaults(env.WAGROUPS_SANDBOX_FAULTS),
      now: clock.now,
      ...(engine ? { engine } : {}),
    });
    opts.notice?.(
      `wagroups: SANDBOX: ${backend.why === "asked" ? "using the built-in sandbox as asked" : "no backend configured (WAWP_* or WAHA_*): using the built-in sandbox"}, not WhatsApp (${file})`,
    );
    return {
      client: new WawpClient(inProcessTransport(sandbox), opts.client),
      label: "sandbox",
      lockKey: `sandbox ${path.resolve(file)}`,
      sandbox,
      clock,
      finish: async () => {
        if (sandbox.dirty) saveState(file, sandbox.state);
        sandbox.dirty = false;
      },
    };
  }
  // a whole-run deadline: past it every call fails at once (a server that answers forever ends the run)
  const deadline = runDeadline(env.WAGROUPS_TIMEOUT);
  let transport: Transport;
  try {
    if (backend.kind === "wawp") {
      addSecret(backend.accessToken);
      transport = httpTransport({
        baseUrl: backend.baseUrl ?? DEFAULT_BASE_URL,
        instanceId: backend.instanceId,
        accessToken: backend.accessToken,
        ...deadline,
      });
    } else {
      addSecret(backend.apiKey);
      transport = wahaTransport({
        url: backend.url,
        apiKey: backend.apiKey,
        ...(backend.session ? { session: backend.session } : {}),
        ...deadline,
      });
    }
  } catch (e) {
    // a base URL without a scheme, say: one line naming the variable
    throw new ConfigError((e as Error).message);
  }
  return {
    client: new WawpClient(transport, opts.client),
    label: transport.label,
    lockKey:
      backend.kind === "wawp"
        ? `wawp ${backend.baseUrl ?? DEFAULT_BASE_URL} ${backend.instanceId}`
        : `waha ${backend.url} ${backend.session ?? "default"}`,
    finish: async () => transport.close?.(),
  };
}

/** WAGROUPS_TIMEOUT: seconds the whole run may take talking to the API (unset: no deadline). */
function runDeadline(v: string | undefined): { deadlineMs?: number } {
  if (v === undefined || v.trim() === "") return {};
  const s = Number(v);
  if (!Number.isFinite(s) || s <= 0)
    throw new ConfigError(`WAGROUPS_TIMEOUT must be a number of seconds above 0 (got "${v}")`);
  return { deadlineMs: s * 1000 };
}
