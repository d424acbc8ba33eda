// Start `wagroups sandbox serve` for a benchmark and read back its base URL.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export const BIN = new URL("../../dist/cli/main.js", import.meta.url).pathname;

export function serve(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, "sandbox", "serve", "--port", "0", "--instance", "bench", "--token", "bench", ...args],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    child.once("exit", (c) => reject(new Error(`sandbox exited ${c}`)));
    createInterface({ input: child.stdout }).once("line", (baseUrl) => {
      const origin = baseUrl.replace(/\/v2$/, "");
      resolve({
        baseUrl,
        env: {
          ...process.env,
          WAWP_BASE_URL: baseUrl,
          WAWP_INSTANCE_ID: "bench",
          WAWP_ACCESS_TOKEN: "bench",
          NO_COLOR: "1",
        },
        log: async () => (await fetch(`${origin}/__sandbox/log?instance_id=bench&access_token=bench`)).json(),
        clearLog: async () =>
          fetch(`${origin}/__sandbox/log?instance_id=bench&access_token=bench`, { method: "DELETE" }),
        /** resolves once the simulator has saved its state and exited; SIGKILL skips the save (a
         * 10-million-membership state takes a while to write, and the benchmarks never reuse it) */
        stop: (signal = "SIGTERM") =>
          new Promise((done) => {
            child.removeAllListeners("exit");
            child.once("exit", () => done());
            child.kill(signal);
          }),
      });
    });
  });
}

/** Run a command, return wall ms and its exit code. */
export function timed(cmd, args, env) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("close", (code) => resolve({ ms: performance.now() - t0, code, out, err }));
  });
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
