import { createRequire } from "node:module";
import pino, { type Logger } from "pino";
import { redact } from "./redact.js";

const require = createRequire(import.meta.url);

export type { Logger };

export interface LoggerOptions {
  level?: string;
  json?: boolean;
  color?: boolean;
}

let current: Logger = pino({ level: "silent" });

/** Logs go to stderr: pretty on a terminal, JSON lines with --json-logs or off a terminal. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? "warn";
  const base = {
    level,
    base: undefined,
    hooks: {
      // every message passes the redactor, so a token that sneaks into a log line never leaves
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === "string" ? redact(a) : a)),
        );
      },
    },
  };
  if (opts.json || !process.stderr.isTTY) {
    current = pino(base, pino.destination({ fd: 2, sync: true }));
  } else {
    // pino-pretty loads only for a person at a terminal
    const pretty = require("pino-pretty") as typeof import("pino-pretty");
    current = pino(
      base,
      pretty({ destination: 2, sync: true, colorize: opts.color ?? true, ignore: "pid,hostname" }),
    );
  }
  return current;
}

export function log(): Logger {
  return current;
}
