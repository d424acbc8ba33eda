// Where the commands write: results to stdout, notices to stderr. Tests swap these.
import { jsonNotice } from "../logger.js";

export interface Output {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  color: boolean;
}

export interface OutputOptions {
  noColor?: boolean;
  /** --json-logs: every stderr line a JSON line, notices and progress included */
  json?: boolean;
}

export function processOutput(opts: OutputOptions = {}): Output {
  // a reader that stops early (`| head`) is not an error worth a stack trace
  process.stdout.once("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  const isTTY = !!process.stdout.isTTY;
  return {
    out: (t) => process.stdout.write(t),
    err: opts.json ? jsonLines : (t) => process.stderr.write(t),
    isTTY,
    color: isTTY && !opts.noColor && !process.env.NO_COLOR,
  };
}

/** Text for stderr as JSON lines: one a line, blank lines dropped. */
export function jsonLines(text: string): void {
  for (const line of text.split("\n")) if (line.trim()) jsonNotice("info", line);
}
