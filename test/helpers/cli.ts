// Run the built CLI as a user would: a child process, with a clean environment.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const BIN = path.join(ROOT, "dist/cli/main.js");

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  // a user's shell: no backend, no GitHub, not CI (tests that want those pass them)
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(WAWP_|WAHA_|GITHUB_|WAGROUPS_)/.test(k) && k !== "CI") env[k] = v;
  return { ...env, NO_COLOR: "1", ...extra };
}

export function run(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: cleanEnv(opts.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}

const made: string[] = [];
process.on("exit", () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A temporary directory, removed when the test process ends. */
export function tempDir(prefix = "wagroups-"): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export interface Served {
  baseUrl: string;
  child: ChildProcess;
  env: Record<string, string>;
  state(): Promise<import("../../src/sandbox/state.js").SandboxState>;
  log(): Promise<import("../../src/sandbox/sandbox.js").LogEntry[]>;
  stop(): Promise<void>;
}

/** `wagroups sandbox serve --port 0 …` as a child; resolves once it printed its base URL. */
export function serve(args: string[] = [], token = "e2e-token-7781"): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, "sandbox", "serve", "--port", "0", "--instance", "e2e", "--token", token, ...args],
      {
        cwd: ROOT,
        env: cleanEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let err = "";
    child.stderr!.on("data", (d) => {
      err += d;
    });
    child.on("exit", (code) => reject(new Error(`sandbox exited ${code}: ${err}`)));
    createInterface({ input: child.stdout! }).once("line", (baseUrl) => {
      const origin = baseUrl.replace(/\/v2$/, "");
      const q = `instance_id=e2e&access_token=${token}`;
      const get = async (p: string) => (await fetch(`${origin}${p}?${q}`)).json();
      resolve({
        baseUrl,
        child,
        env: { WAWP_BASE_URL: baseUrl, WAWP_INSTANCE_ID: "e2e", WAWP_ACCESS_TOKEN: token },
        state: () => get("/__sandbox/state") as never,
        log: () => get("/__sandbox/log") as never,
        stop: () =>
          new Promise<void>((r) => {
            child.removeAllListeners("exit");
            child.once("exit", () => r());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

/**
 * A copy of the example fleet (`groups/`) whose write budget is high, for tests that apply it through
 * `sandbox serve`: every write waits 60/requestsPerMinute seconds, so the example's 30 a minute would make
 * each apply of the tour take a minute of wall time.
 */
export function fastExampleFleet(): string {
  const dir = path.join(tempDir(), "groups");
  cpSync(path.join(ROOT, "groups"), dir, { recursive: true });
  const config = path.join(dir, "wagroups.yaml");
  writeFileSync(
    config,
    readFileSync(config, "utf8").replace(/requestsPerMinute: \d+/, "requestsPerMinute: 6000"),
  );
  return dir;
}
