// The wagroups GitHub Action: reads its inputs, runs the wagroups CLI bundled beside it as a child process
// (an argument list, never a shell string), and turns the exit code into outputs and a step result.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as core from "@actions/core";

/** The first argument that makes the bundle run the CLI instead of the action. */
export const CLI_FLAG = "--wagroups-cli";

const COMMANDS = ["validate", "plan", "apply", "import"] as const;
type Command = (typeof COMMANDS)[number];

// the credentials a run may carry: masked in the log before anything can print them
const SECRET_ENV = ["WAWP_ACCESS_TOKEN", "WAHA_API_KEY", "WAGROUPS_WEBHOOK_SECRET"];

export interface ActionRun {
  command: Command;
  argv: string[];
  env: Record<string, string>;
  planFile?: string;
}

const has = (args: string[], flag: string) => args.some((a) => a === flag || a.startsWith(`${flag}=`));

/** What to run, from the inputs; a bad input is one line naming it. */
export function planRun(env: NodeJS.ProcessEnv = process.env): ActionRun {
  const command = (core.getInput("command") || "plan") as Command;
  if (!COMMANDS.includes(command))
    throw new Error(`input "command" must be one of ${COMMANDS.join(", ")} (got "${command}")`);
  const dir = core.getInput("dir") || "groups";
  // one argument per line: nothing is split on spaces, expanded or globbed
  const args = core.getMultilineInput("args");
  // "--shard 1/4" on one line is two arguments written as one, the old shell-string habit: say so
  const joined = args.find((a) => a.startsWith("-") && !a.includes("=") && /\s/.test(a));
  if (joined !== undefined)
    throw new Error(
      `input "args" takes one argument per line: write "${joined.split(/\s+/).join('" and "')}" on lines of their own`,
    );
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith("INPUT_")) childEnv[k] = v;
  const token = core.getInput("github-token");
  if (token) {
    core.setSecret(token);
    childEnv.GITHUB_TOKEN = token;
  }
  for (const k of SECRET_ENV) if (env[k]) core.setSecret(env[k]);
  const argv = [command, "--dir", dir, ...args];
  let planFile: string | undefined;
  if (command === "plan") {
    // has-changes comes from the exit code; plan-file is the saved plan, for a later `apply plan.json`
    if (!has(args, "--detailed-exitcode")) argv.push("--detailed-exitcode");
    const i = args.findIndex((a) => a === "--out" || a.startsWith("--out="));
    if (i < 0) {
      planFile = path.join(
        env.RUNNER_TEMP || tmpdir(),
        `wagroups-plan-${env.GITHUB_RUN_ID ?? process.pid}.json`,
      );
      argv.push("--out", planFile);
    } else planFile = args[i]!.includes("=") ? args[i]!.slice(6) : args[i + 1];
  }
  return { command, argv, env: childEnv, ...(planFile ? { planFile } : {}) };
}

const MEANING: Record<number, string> = {
  0: "done; nothing left to change",
  1: "failed: see the log",
  2: "the plan has changes",
  3: "apply left work undone (deferred by the rate budget, or failed for some groups); the next run finishes it",
};

/** Run the action; `self` is the bundle, run again with CLI_FLAG as the CLI. */
export async function runAction(self: string): Promise<void> {
  let r: ActionRun;
  try {
    r = planRun();
  } catch (e) {
    core.setFailed((e as Error).message);
    return;
  }
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [self, CLI_FLAG, ...r.argv], { env: r.env, stdio: "inherit" });
    child.on("error", (e) => {
      core.error(`could not start wagroups: ${e.message}`);
      resolve(1);
    });
    child.on("close", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  core.setOutput("exit-code", String(code));
  if (r.command === "plan" && (code === 0 || code === 2)) core.setOutput("has-changes", String(code === 2));
  if (r.planFile && existsSync(r.planFile)) core.setOutput("plan-file", r.planFile);
  await core.summary
    .addRaw(`**wagroups ${r.command}**: exit ${code}, ${MEANING[code] ?? "failed"}`, true)
    .write();
  if (code === 3) core.warning(`wagroups: ${MEANING[3]}`);
  else if (code !== 0 && code !== 2) core.setFailed(`wagroups ${r.command} exited ${code}`);
}
