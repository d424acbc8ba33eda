// Logs go to stderr, in one of two forms chosen once per process: JSON lines (--json-logs), or one readable
// line each ("wagroups: retrying …"), on a terminal and in a CI log alike. pino-pretty is not used: its
// first load costs more than a whole `validate`, and a CI log needs plain lines, not a terminal's.
import { createRequire } from "node:module";
import type { DestinationStream, Logger } from "pino";
import { redact } from "./redact.js";

// pino loads with the first line logged (or the first logger asked for), not with the CLI: most runs
// log nothing, and its modules are a fifth of a short command's start
const require = createRequire(import.meta.url);
const pino = (): typeof import("pino").default => require("pino") as typeof import("pino").default;

export type { Logger };

export interface LoggerOptions {
  level?: string;
  json?: boolean;
  /** colour the level of a text line (a terminal that wants colour) */
  color?: boolean;
  /** where lines go (default: stderr, written synchronously so nothing is lost at exit) */
  write?: (line: string) => void;
}

/** The level a command logs at unless told otherwise: retries and waits show by default. */
export const DEFAULT_LEVEL = "info";

let options: LoggerOptions = { level: "silent" };
let current: Logger | undefined;
// sonic-boom, written synchronously: nothing is lost when the process exits right after an error line
let stderr: DestinationStream | undefined;
const toStderr = (line: string) => {
  stderr ??= pino().destination({ fd: 2, sync: true });
  stderr.write(line);
};
let sink: (line: string) => void = toStderr;

const hooks = {
  // every message passes the redactor, so a token that sneaks into a log line never leaves
  logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
    method.apply(
      this,
      args.map((a) => (typeof a === "string" ? redact(a) : a)),
    );
  },
};

/** Set how the process logs; the logger itself is made when first used (see log()). */
export function configureLogger(opts: LoggerOptions = {}): void {
  options = opts;
  sink = opts.write ?? toStderr;
  current = undefined;
}

/** Set how the process logs, and make its logger now. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  configureLogger(opts);
  return log();
}

export function log(): Logger {
  if (!current) {
    const dest: DestinationStream = {
      write: options.json ? (l) => sink(l) : textLine(options.color ?? false),
    };
    current = pino()({ level: options.level ?? DEFAULT_LEVEL, base: undefined, hooks }, dest);
  }
  return current;
}

const RANKS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** Whether a line at `level` would be written, answered without making the logger: a per-request
 * debug line asks this first. */
export function logs(level: "trace" | "debug" | "info"): boolean {
  return RANKS[level]! >= (RANKS[options.level ?? DEFAULT_LEVEL] ?? Number.POSITIVE_INFINITY);
}

// a command's notices are output, not diagnostics: always shown, whatever --log-level says
let notice: Logger | undefined;

/** A line of a command's own stderr output (a notice, a progress line, the final error) as a JSON line. */
export function jsonNotice(level: "info" | "warn" | "error", msg: string, fields: object = {}): void {
  notice ??= pino()({ level: "trace", base: undefined, hooks }, { write: (l: string) => sink(l) });
  notice[level](fields, msg);
}

const LEVELS: Record<number, { name: string; code: number }> = {
  10: { name: "trace", code: 2 },
  20: { name: "debug", code: 2 },
  30: { name: "", code: 0 },
  40: { name: "warning", code: 33 },
  50: { name: "error", code: 31 },
  60: { name: "fatal", code: 31 },
};

/** A pino JSON line as one readable line: `wagroups: warning: message (key=value …)`. */
function textLine(color: boolean): (json: string) => void {
  return (json) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(json) as Record<string, unknown>;
    } catch {
      sink(json);
      return;
    }
    const { level, time: _time, msg, err, ...fields } = entry;
    const l = LEVELS[Number(level)] ?? { name: String(level), code: 0 };
    const tag = l.name ? (color && l.code ? `\u001b[${l.code}m${l.name}\u001b[0m: ` : `${l.name}: `) : "";
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    const stack = (err as { stack?: string } | undefined)?.stack;
    sink(`wagroups: ${tag}${String(msg ?? "")}${extra ? ` (${extra})` : ""}\n${stack ? `${stack}\n` : ""}`);
  };
}
