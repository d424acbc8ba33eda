// A manifest's people held compactly: a person is their phone number, a role's people one Float64Array.
// Manifest people are always phone numbers (E.164: at most 15 digits, no leading 0), so the digits read
// as one number are exact in a float64 (2^53 > 10^15) and print back unchanged. A jid is made only where
// a request or the output needs one; a privacy ID (`@lid`) is never in a manifest.
import type { People, Person } from "./types.js";

const SUFFIX = "@c.us";

/** 14155550101 -> "14155550101@c.us" */
export const jidOf = (person: Person): string => `${person}${SUFFIX}`;

/** The jids of some people, in their order. */
export function jidsOf(people: People): string[] {
  const out = new Array<string>(people.length);
  for (let i = 0; i < people.length; i++) out[i] = jidOf(people[i]!);
  return out;
}

/**
 * The person a `<digits>@c.us` jid names, or undefined for anything else (a `@lid`, another server,
 * a leading 0, more than 15 digits). Reads the digits in place: no string is made.
 */
export function personOf(jid: string): Person | undefined {
  const end = jid.length - SUFFIX.length;
  if (end < 1 || end > 15 || !jid.endsWith(SUFFIX) || jid.charCodeAt(0) === 48) return undefined;
  let n = 0;
  for (let i = 0; i < end; i++) {
    const d = jid.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
}

/** How many different people are in some lists: one copy, sorted, counted in a pass. */
export function countDistinct(lists: Iterable<People>): number {
  let total = 0;
  const all: People[] = [];
  for (const l of lists) {
    all.push(l);
    total += l.length;
  }
  const sorted = new Float64Array(total);
  let at = 0;
  for (const l of all) {
    sorted.set(l, at);
    at += l.length;
  }
  sorted.sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}
