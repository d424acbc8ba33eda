import { ApiError } from "../errors.js";
import { redact } from "../redact.js";

/** A one-line reason from any error body shape: `{statusCode, message, error}`, a string, or nothing. */
export function bodyReason(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 200);
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    const m = b.message ?? b.error ?? b.detail ?? b.code;
    if (typeof m === "string") return m.slice(0, 200);
    if (Array.isArray(m)) return m.map(String).join("; ").slice(0, 200);
  }
  return "";
}

export function apiError(
  operation: string,
  status: number,
  body: unknown,
  opts: { uncertain?: boolean; retryAfterMs?: number; detail?: string } = {},
): ApiError {
  const reason = opts.detail ?? bodyReason(body);
  const head = status ? `HTTP ${status}` : "no answer";
  const msg = redact(`${operation}: ${head}${reason ? `: ${reason}` : ""}`);
  return new ApiError(operation, status, scrub(body), msg, opts.uncertain ?? false, opts.retryAfterMs);
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
    if (e instanceof ApiError && [404, 405, 422, 501].includes(e.status)) {
      unavailable(`HTTP ${e.status}`);
      return undefined;
    }
    throw e;
  }
}
