import { parsePhoneNumberFromString } from "libphonenumber-js/max";

export type PhoneResult = { ok: true; jid: string } | { ok: false; reason: string };

const cache = new Map<string, PhoneResult>();

/**
 * An international number in any common formatting -> `<digits>@c.us`. Numbers without a leading
 * "+" are read as international digits ("14155550102", "0014155550102"); a JID is accepted too.
 */
export function parsePhone(raw: string): PhoneResult {
  const hit = cache.get(raw);
  if (hit) return hit;
  const result = parseUncached(raw);
  cache.set(raw, result);
  return result;
}

function parseUncached(raw: string): PhoneResult {
  let s = raw.trim();
  const at = s.indexOf("@");
  if (at >= 0) {
    const server = s.slice(at + 1);
    if (server !== "c.us" && server !== "s.whatsapp.net") return { ok: false, reason: `not a person's ID` };
    s = s.slice(0, at);
  }
  if (!/^[+\d\s().\-/]+$/.test(s)) return { ok: false, reason: "has characters a phone number cannot have" };
  if (s.startsWith("00")) s = `+${s.slice(2)}`;
  if (!s.startsWith("+")) s = `+${s}`;
  const parsed = parsePhoneNumberFromString(s);
  if (!parsed)
    return { ok: false, reason: "is not an international phone number (start with + and the country code)" };
  if (!parsed.isValid())
    return { ok: false, reason: `is not a valid ${parsed.country ?? "international"} number` };
  return { ok: true, jid: `${parsed.number.slice(1)}@c.us` };
}

/** Aliases look like names, numbers look like numbers: this decides which error message fits. */
export const looksLikeAlias = (s: string): boolean => /^[A-Za-z][A-Za-z0-9._-]*$/.test(s.trim());
