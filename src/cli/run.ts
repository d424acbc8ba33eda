// The one place errors become a line on stderr and an exit code.
import { CommanderError } from "commander";
import { ApiError, ExitError, WagroupsError } from "../errors.js";
import { jsonNotice } from "../logger.js";
import { redact } from "../redact.js";
import { buildProgram } from "./program.js";

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    // the options are parsed before any command runs, so the level and the log form are known here
    const g = program.opts<{ logLevel?: string; jsonLogs?: boolean }>();
    return report(e, {
      debug: g.logLevel === "debug" || g.logLevel === "trace",
      json: !!g.jsonLogs,
    });
  }
}

interface ReportOptions {
  /** add the stack trace */
  debug?: boolean;
  /** --json-logs: the line as a JSON log line */
  json?: boolean;
  /** where the backend variables are read (default: the process's environment) */
  env?: Record<string, string | undefined>;
}

function report(e: unknown, opts: ReportOptions = {}): number {
  const code = exitCode(e);
  const line = e instanceof CommanderError ? undefined : reason(e, opts.env ?? process.env);
  if (line) {
    const stack = opts.debug && e instanceof Error && !(e instanceof ExitError) ? e.stack : undefined;
    if (opts.json)
      jsonNotice("error", redact(line), { exitCode: code, ...(stack ? { stack: redact(stack) } : {}) });
    else process.stderr.write(`${redact(`wagroups: ${line}`)}\n${stack ? `${redact(stack)}\n` : ""}`);
  }
  return code;
}

function exitCode(e: unknown): number {
  if (e instanceof CommanderError)
    // help and version exit 0; usage errors were already printed by commander
    return e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version" ? 0 : 1;
  if (e instanceof WagroupsError) return e.exitCode;
  return 1;
}

/** The one line that says what went wrong, or nothing (an ExitError that only carries a code). */
function reason(e: unknown, env: Record<string, string | undefined>): string | undefined {
  if (e instanceof ApiError) {
    const where = e.status === 0 ? unreachable(e.message, env) : undefined;
    return where ?? `Wawp API error: ${e.message}`;
  }
  if (e instanceof WagroupsError) return e.message || undefined;
  const err = e as Error;
  return `unexpected error: ${err?.message ?? String(e)}`;
}

// the server was never reached: the address is the likeliest culprit, so name the variable that set it
const NO_SERVER =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|getaddrinfo|certificate|CERT_|SSL/i;

function unreachable(message: string, env: Record<string, string | undefined>): string | undefined {
  if (!NO_SERVER.test(message)) return undefined;
  const detail = message.replace(/^.*?: no answer: /, "");
  const url = env.WAHA_URL?.trim()
    ? `WAHA_URL (${env.WAHA_URL.trim()})`
    : env.WAWP_BASE_URL?.trim()
      ? `WAWP_BASE_URL (${env.WAWP_BASE_URL.trim()})`
      : "the Wawp API (https://api.wawp.net/v2; WAWP_BASE_URL is not set)";
  return `cannot reach ${url}: ${detail}; check the address and the network`;
}
