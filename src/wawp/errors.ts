import { ApiError } from "../errors.js";
import { redact } from "../redact.js";

/**
 * A one-line reason from any error body shape: `{statusCode, message, error}`, NOWEB/GOWS 500s'
 * `{exception: {message}}`, a string, or nothing.
 */
export function bodyReason(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 200);
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const ex = b.exception as Record<string, unknown> | undefined;
    // the engine's own words say more than Nest's generic "Internal server error"
    if (ex && typeof ex === "object" && typeof ex.message === "string" && ex.message)
      return ex.message.slice(0, 200);
    const m = b.message ?? b.error ?? b.detail ?? b.code;
    if (typeof m === "string") return m.slice(0, 200);
    if (Array.isArray(m)) return m.map(String).join("; ").slice(0, 200);
  }
  return "";
}

/**
 * This server cannot do the call at all (an older server without the route, an engine that does not
 * implement it): the caller skips the step with a warning instead of failing the group.
 */
export class UnsupportedError extends ApiError {
  readonly unsupported = true;
}

export const isUnsupported = (e: unknown): e is UnsupportedError => e instanceof UnsupportedError;

/** The statuses by which a server says a route or feature does not exist on it. */
export const UNSUPPORTED_STATUSES: readonly number[] = [404, 405, 422, 501];

export function apiError(
  operation: string,
  status: number,
  body: unknown,
  opts: { uncertain?: boolean; retryAfterMs?: number; detail?: string; unsupported?: boolean } = {},
): ApiError {
  const reason = opts.detail ?? bodyReason(body);
  const head = status ? `HTTP ${status}` : "no answer";
  const msg = redact(`${operation}: ${head}${reason ? `: ${reason}` : ""}`);
  const Kind = opts.unsupported ? UnsupportedError : ApiError;
  return new Kind(operation, status, scrub(body), msg, opts.uncertain ?? false, opts.retryAfterMs);
}

/** The same failure, marked as "this server cannot do it". */
export function asUnsupported(e: ApiError, why: string): UnsupportedError {
  const u = new UnsupportedError(
    e.operation,
    e.status,
    e.body,
    `${e.message} (${why})`,
    false,
    e.retryAfterMs,
  );
  return u;
}

function scrub(body: unknown): unknown {
  if (body === undefined || body === null) return body;
  try {
    return JSON.parse(redact(JSON.stringify(body))) as unknown;
  } catch {
    return undefined;
  }
}

/** An endpoint some engines lack (404, 405, 422, 501): its absence is reported, not fatal. */
export async function optional<T>(p: Promise<T>, unavailable: (why: string) => void): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isUnsupported(e) || (e instanceof ApiError && UNSUPPORTED_STATUSES.includes(e.status))) {
      unavailable(`HTTP ${e.status}`);
      return undefined;
    }
    throw e;
  }
}
