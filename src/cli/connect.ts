// Where the Wawp API is: the real one when credentials are set, otherwise the built-in sandbox,
// in-process, its state kept in .wagroups/sandbox.json.
import { ConfigError } from "../errors.js";
import { addSecret } from "../redact.js";
import { parseFaults } from "../sandbox/faults.js";
import { Sandbox } from "../sandbox/sandbox.js";
import { loadState, saveState, stateFile } from "../sandbox/store.js";
import { inProcessTransport } from "../sandbox/transport.js";
import { type ClientOptions, WawpClient } from "../wawp/client.js";
import { httpTransport } from "../wawp/transport.js";

export const DEFAULT_BASE_URL = "https://api.wawp.net/v2";

export interface Connection {
  client: WawpClient;
  /** where requests go, safe to print */
  label: string;
  sandbox?: Sandbox;
  /** persist the sandbox's state (when it changed) and close connections */
  finish(): Promise<void>;
}

export interface ConnectOptions {
  env?: Record<string, string | undefined>;
  client?: ClientOptions;
  /** told once on stderr when the sandbox is used */
  notice?: (line: string) => void;
}

export function connect(opts: ConnectOptions = {}): Connection {
  const env = opts.env ?? process.env;
  const instanceId = env.WAWP_INSTANCE_ID?.trim();
  const token = env.WAWP_ACCESS_TOKEN?.trim();
  addSecret(token);
  if (instanceId && token) {
    const transport = httpTransport({
      baseUrl: env.WAWP_BASE_URL?.trim() || DEFAULT_BASE_URL,
      instanceId,
      accessToken: token,
    });
    return {
      client: new WawpClient(transport, opts.client),
      label: transport.label,
      finish: async () => transport.close?.(),
    };
  }
  if (instanceId || token)
    throw new ConfigError(
      `${instanceId ? "WAWP_ACCESS_TOKEN" : "WAWP_INSTANCE_ID"} is not set; set both WAWP_INSTANCE_ID and WAWP_ACCESS_TOKEN, or neither to use the sandbox`,
    );
  const file = stateFile(env);
  const sandbox = new Sandbox(loadState(file), { faults: parseFaults(env.WAGROUPS_SANDBOX_FAULTS) });
  opts.notice?.(
    `wagroups: no WAWP_INSTANCE_ID/WAWP_ACCESS_TOKEN set: using the built-in sandbox (${file})${env.WAWP_BASE_URL ? "; WAWP_BASE_URL is ignored without them" : ""}`,
  );
  return {
    client: new WawpClient(inProcessTransport(sandbox), opts.client),
    label: `sandbox ${file}`,
    sandbox,
    finish: async () => {
      if (sandbox.dirty) saveState(file, sandbox.state);
      sandbox.dirty = false;
    },
  };
}
