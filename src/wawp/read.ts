// Small readers every engine-shape normalizer shares, and the error a shape it cannot read raises.
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * An answer that is not the shape the call returns. The client turns it into an ApiError with the
 * operation's name; it is never swallowed, since a misread listing would plan duplicates.
 */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/** One short line that names a value's shape and its first keys, never its contents in full. */
export function describeShape(v: unknown): string {
  if (v === null || v === undefined) return "an empty answer";
  if (typeof v === "string") {
    const head = v.replace(/\s+/g, " ").trim().slice(0, 40);
    return `text, not JSON ("${head}${v.length > 40 ? "…" : ""}")`;
  }
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (isObj(v)) {
    const keys = Object.keys(v);
    if (!keys.length) return "an empty object";
    return `an object with keys ${keys.slice(0, 6).join(", ")}${keys.length > 6 ? ", …" : ""}`;
  }
  return `a ${typeof v} (${String(v).slice(0, 20)})`;
}

/** A WhatsApp ID that may come as a string or as WEBJS's `{_serialized, user, server}`. */
export function idString(v: unknown): string | undefined {
  if (typeof v === "string") return v || undefined;
  if (isObj(v)) {
    if (typeof v._serialized === "string") return v._serialized || undefined;
    if (typeof v.user === "string" && typeof v.server === "string") return `${v.user}@${v.server}`;
  }
  return undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** Engines spell a flag as a boolean, "true"/"false", or (WEBJS) 1/0. */
export function bool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === 1) return true;
  if (v === "false" || v === 0) return false;
  return undefined;
}

/** Unix seconds from seconds, milliseconds or an ISO date (GOWS); Go's zero time is "unknown". */
export function unixSeconds(v: unknown): number | undefined {
  const n = num(v);
  if (n !== undefined) return n > 1e12 ? Math.floor(n / 1000) : n;
  if (typeof v !== "string") return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) || ms <= 0 ? undefined : Math.floor(ms / 1000);
}
