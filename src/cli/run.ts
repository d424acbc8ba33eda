// The one place errors become a line on stderr and an exit code.
import { CommanderError } from "commander";
import { ApiError, ExitError, WagroupsError } from "../errors.js";
import { redact } from "../redact.js";
import { buildProgram } from "./program.js";

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    // the options are parsed before any command runs, so the level is known here
    const level = program.opts<{ logLevel?: string }>().logLevel;
    return report(e, level === "debug" || level === "trace");
  }
}

export function report(e: unknown, debug: boolean): number {
  const say = (s: string) => process.stderr.write(`${redact(s)}\n`);
  if (e instanceof CommanderError) {
    // help and version exit 0; usage errors were already printed by commander
    return e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version" ? 0 : 1;
  }
  if (e instanceof ExitError) {
    if (e.message) say(`wagroups: ${e.message}`);
    return e.exitCode;
  }
  if (e instanceof ApiError) {
    say(`wagroups: Wawp API error: ${e.message}`);
    if (debug && e.stack) say(e.stack);
    return 1;
  }
  if (e instanceof WagroupsError) {
    say(`wagroups: ${e.message}`);
    if (debug && e.stack) say(e.stack);
    return e.exitCode;
  }
  const err = e as Error;
  say(`wagroups: unexpected error: ${err?.message ?? String(e)}`);
  if (debug && err?.stack) say(err.stack);
  return 1;
}
