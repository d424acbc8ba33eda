// WhatsApp IDs. Every person is compared as `<digits>@c.us`; `@s.whatsapp.net` is the same person.
import { parsePhone } from "./manifest/phone.js";

export const isLid = (id: string): boolean => id.endsWith("@lid");

/**
 * `s` as one flat string. V8 builds a concatenation of 13+ characters as a pair of pointers (32 bytes)
 * to its parts, and a slice of 13+ as a pointer into its source, which it keeps alive; a listing holds
 * a jid per participant (10 million at scale), so each is flattened once: reading a character makes
 * V8 copy the parts into one string, and the next GC drops the pair. 64 -> 32 bytes for a number's
 * jid, and a privacy ID no longer keeps the engine's whole ID string.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** `14155550101@s.whatsapp.net` / `14155550101:12@c.us` / `+1 415…` -> `14155550101@c.us`; a `@lid` stays as it is. */
export function personJid(id: string): string {
  const at = id.indexOf("@");
  // the common case, already digits@c.us or digits@s.whatsapp.net: no regex, one slice
  if (at > 0 && allDigits(id, at)) {
    if (id.length === at + 5 && id.endsWith("@c.us")) return id;
    if (id.endsWith("@s.whatsapp.net") && id.length === at + 15) return flat(`${id.slice(0, at)}@c.us`);
  }
  const server = at >= 0 ? id.slice(at + 1) : "c.us";
  if (server === "lid" || server === "g.us") return id;
  let user = at >= 0 ? id.slice(0, at) : id;
  const colon = user.indexOf(":"); // device suffix
  if (colon >= 0) user = user.slice(0, colon);
  return flat(`${user.replace(/\D/g, "")}@c.us`);
}

/** What an engine's participant ID names: a number, a privacy ID, or nothing a group can hold. */
export type EngineId = { kind: "pn"; jid: string } | { kind: "lid"; lid: string };

/**
 * Strict reading of a person ID an engine sent (`digits[:device]@c.us|@s.whatsapp.net|@lid`).
 * Unlike personJid, nothing is stripped to make it fit: `@c.us`, a group ID, letters or a number
 * too short to dial are undefined, so they can never become an add or removal target.
 */
export function engineId(raw: string): EngineId | undefined {
  const at = raw.indexOf("@");
  if (at <= 0) return undefined;
  // the shapes a listing is made of (`<digits>@s.whatsapp.net`, `@c.us`, `@lid`, no device suffix),
  // read without slicing them apart: a listing page holds a million IDs
  const fast = at < 16 && raw.length - at <= 15 && raw.indexOf(":") < 0 && allDigits(raw, at);
  if (fast && raw.length === at + 4 && raw.endsWith("@lid")) return { kind: "lid", lid: raw };
  // dialable without asking the phone plans: 8 to 15 digits, no leading 0 (7 digits go the long way)
  if (fast && at >= 8 && raw.charCodeAt(0) !== 48) {
    if (raw.length === at + 5 && raw.endsWith("@c.us")) return { kind: "pn", jid: raw };
    if (raw.length === at + 15 && raw.endsWith("@s.whatsapp.net"))
      return { kind: "pn", jid: flat(`${raw.slice(0, at)}@c.us`) };
  }
  const server = raw.slice(at + 1);
  let end = raw.indexOf(":");
  if (end < 0 || end > at) end = at;
  if (!allDigits(raw, end)) return undefined;
  // a device suffix is digits too
  if (end < at && (end + 1 === at || !allDigits(raw.slice(end + 1, at), at - end - 1))) return undefined;
  const digits = raw.slice(0, end);
  // already as it is kept (no device, the server we name it by): the engine's own string, no copy
  const same = end === at;
  if (server === "lid") return digits ? { kind: "lid", lid: same ? raw : flat(`${digits}@lid`) } : undefined;
  if (server !== "c.us" && server !== "s.whatsapp.net") return undefined;
  if (!dialable(digits)) return undefined;
  return { kind: "pn", jid: same && server === "c.us" ? raw : flat(`${digits}@c.us`) };
}

/** E.164 digits: 8 to 15 with no leading 0; the few 7-digit numbers (Niue, …) are checked in full. */
function dialable(digits: string): boolean {
  if (digits.length < 7 || digits.length > 15 || digits.charCodeAt(0) === 48) return false;
  return digits.length > 7 || parsePhone(`+${digits}`).ok;
}

/** "+1 415 ••• ••02": enough to recognise a number, not enough to call it. */
export function maskJid(jid: string): string {
  if (isLid(jid)) return `lid:••••${jid.slice(Math.max(0, jid.indexOf("@") - 2), jid.indexOf("@"))}`;
  const d = jid.split("@")[0] ?? "";
  if (d.length < 7) return "+••••";
  const cc = countryCodeLength(d);
  const country = d.slice(0, cc);
  const rest = d.slice(cc);
  const head = rest.slice(0, 3);
  const tail = rest.slice(-2);
  const hidden = rest.length - head.length - tail.length;
  const dots = "•".repeat(Math.max(0, hidden));
  const mid = dots.length > 3 ? `${dots.slice(0, 3)} ${dots.slice(3)}` : dots;
  return `+${country} ${head} ${mid}${tail}`.replace(/ {2,}/g, " ");
}

// Country calling codes are prefix-free; the 1- and 2-digit ones are listed, everything else is 3.
const CC1 = new Set(["1", "7"]);
const CC2 = new Set(
  "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98".split(
    " ",
  ),
);
function countryCodeLength(d: string): number {
  if (CC1.has(d.slice(0, 1))) return 1;
  if (CC2.has(d.slice(0, 2))) return 2;
  return 3;
}

function allDigits(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
