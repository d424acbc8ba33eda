// The built-in sandbox as a connection: in-process, its state kept in .wagroups/sandbox.json. Loaded
// by connect.ts only when the sandbox is the backend, so a run against a real server never loads the
// simulator's modules.
import path from "node:path";
import type { Clock } from "../clock.js";
import { parseFaults } from "../sandbox/faults.js";
import { Sandbox } from "../sandbox/sandbox.js";
import { sandboxEngine } from "../sandbox/state.js";
import { loadState, saveState, stateFile } from "../sandbox/store.js";
import { inProcessTransport } from "../sandbox/transport.js";
import { WawpClient } from "../wawp/client.js";
import type { Connection, ConnectOptions } from "./connect.js";

export function connectSandbox(
  env: Record<string, string | undefined>,
  why: "asked" | "default",
  opts: ConnectOptions,
): Connection {
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
    `wagroups: SANDBOX: ${why === "asked" ? "using the built-in sandbox as asked" : "no backend configured (WAWP_* or WAHA_*): using the built-in sandbox"}, not WhatsApp (${file})`,
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
