// The small family of errors every layer throws. Each carries the structured fields the CLI needs to
// print one line and choose an exit code; none ever carries a URL with the access token in it.

export class WagroupsError extends Error {
  override name = "WagroupsError";
  /** exit code main() uses for this error */
  exitCode = 1;
}

export interface Located {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatLocated(p: Located): string {
  return `${p.file}:${p.line}:${p.column}  ${p.message}`;
}

/** A Wawp API call failed. `status` 0 means no HTTP answer (network error, timeout, lost reply). */
export class ApiError extends WagroupsError {
  override name = "ApiError";
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly body: unknown,
    message: string,
    /** true when the request may have taken effect although no answer came back */
    readonly uncertain = false,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class UnsafePlanError extends WagroupsError {
  override name = "UnsafePlanError";
  constructor(readonly reasons: string[]) {
    super(`unsafe plan refused without --force: ${reasons.join("; ")}`);
  }
}

export class UsageError extends WagroupsError {
  override name = "UsageError";
}

export class ConfigError extends WagroupsError {
  override name = "ConfigError";
}

/** Ends the process with `code` after whatever has been printed. */
export class ExitError extends WagroupsError {
  override name = "ExitError";
  constructor(code: number, message = "") {
    super(message);
    this.exitCode = code;
  }
}
