// Where the sandbox keeps its state between runs: a JSON file, written atomically.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "../errors.js";
import { seedState } from "./seed.js";
import { ENGINES, isEngine, type SandboxState } from "./state.js";

export const DEFAULT_STATE_FILE = path.join(".wagroups", "sandbox.json");

export function stateFile(env: Record<string, string | undefined> = process.env): string {
  return env.WAGROUPS_SANDBOX_STATE || DEFAULT_STATE_FILE;
}

/** The saved state, or the seed when there is none yet. */
export function loadState(file: string): SandboxState {
  if (!existsSync(file)) return seedState();
  let state: SandboxState;
  try {
    state = JSON.parse(readFileSync(file, "utf8")) as SandboxState;
  } catch (e) {
    throw new ConfigError(
      `${file}: sandbox state is not valid JSON (${(e as Error).message}); run \`wagroups sandbox reset\``,
    );
  }
  if (state?.version !== 1 || !Array.isArray(state.groups))
    throw new ConfigError(`${file}: not a sandbox state file; run \`wagroups sandbox reset\``);
  if (!isEngine(state.engine))
    throw new ConfigError(
      `${file}: engine ${JSON.stringify(state.engine)} is not one of ${ENGINES.join(", ")}; run \`wagroups sandbox reset\``,
    );
  return state;
}

export function saveState(file: string, state: SandboxState): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}
