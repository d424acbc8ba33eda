// Where the API is: Wawp, a self-hosted WAHA, or the built-in sandbox (in-process, its state kept in
// .wagroups/sandbox.json). The choice is the CLI's (src/cli/backend.ts); the client only sees a Transport.
import type { Clock } from "../clock.js";
import { ConfigError } from "../errors.js";
import { addSecret } from "../redact.js";
import type { Sandbox } from "../sandbox/sandbox.js";
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

export async function connect(opts: ConnectOptions = {}): Promise<Connection> {
  const env = opts.env ?? process.env;
  const backend = chooseBackend(env, { ...(opts.sandbox ? { sandbox: true } : {}) });
  // the simulator's modules load only when it is used: a run against a real server never needs them
  if (backend.kind === "sandbox")
    return (await import("./connect-sandbox.js")).connectSandbox(env, backend.why, opts);
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
