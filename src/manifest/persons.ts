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

/**
 * A set of people in one Float64Array (open addressing; 0 marks a free slot, and no person is 0), with
 * `valued` each with a small integer value: no box per number as a Map's keys have. Reused: `clear`
 * empties it for up to `n` people.
 */
export class PersonSet {
  private table = new Float64Array(64);
  private values: Int32Array;
  private mask = 63;
  private shift = 26;

  constructor(private readonly valued = false) {
    this.values = new Int32Array(valued ? 64 : 0);
  }

  clear(n: number): void {
    let bits = 6;
    // at most two thirds full: short probes, and 16 MB for a million people
    while (1 << bits < n * 1.5 && bits < 30) bits++;
    const size = 1 << bits;
    if (this.table.length < size) {
      this.table = new Float64Array(size);
      if (this.valued) this.values = new Int32Array(size);
    } else this.table.fill(0, 0, size);
    this.mask = size - 1;
    this.shift = 32 - bits;
  }

  /** Adds `p` (with `value`, in a valued set); false, and the value kept, when it was in already. */
  add(p: Person, value = 0): boolean {
    const i = this.slot(p);
    if (this.table[i] === p) return false;
    this.table[i] = p;
    if (this.valued) this.values[i] = value;
    return true;
  }

  has(p: Person): boolean {
    return this.table[this.slot(p)] === p;
  }

  /** The value `p` was added with (0 in a set without values), or undefined when it is not in. */
  get(p: Person): number | undefined {
    const i = this.slot(p);
    return this.table[i] === p ? (this.valued ? this.values[i] : 0) : undefined;
  }

  /** `p`'s slot, or the free one where it would go */
  private slot(p: Person): number {
    const table = this.table;
    // the high bits of a multiplicative hash of the number's two 32-bit halves (a bitwise operator
    // reads a number modulo 2^32, exactly: the low half with no division)
    let i = Math.imul(p ^ Math.floor(p / 4294967296), 0x9e3779b1) >>> this.shift;
    for (;;) {
      const v = table[i]!;
      if (v === 0 || v === p) return i;
      i = (i + 1) & this.mask;
    }
  }
}

/** How many different people are in some lists. A million people are first parted by their last
 * digits into buckets that are each counted in a table small enough to stay in the CPU's cache: one
 * table of them all is a cache miss per person (test/bench/scale.mjs: 62 ms -> 25 ms). */
export function countDistinct(lists: readonly People[]): number {
  let total = 0;
  for (const l of lists) total += l.length;
  const set = new PersonSet();
  if (total <= 1 << 16) {
    set.clear(total);
    let distinct = 0;
    for (const l of lists) for (let i = 0; i < l.length; i++) if (set.add(l[i]!)) distinct++;
    return distinct;
  }
  const start = new Int32Array(BUCKETS + 1);
  for (const l of lists) for (let i = 0; i < l.length; i++) start[(l[i]! & (BUCKETS - 1)) + 1]!++;
  for (let b = 0; b < BUCKETS; b++) start[b + 1]! += start[b]!;
  const parted = new Float64Array(total);
  const at = start.slice(0, BUCKETS);
  for (const l of lists)
    for (let i = 0; i < l.length; i++) {
      const p = l[i]!;
      parted[at[p & (BUCKETS - 1)]!++] = p;
    }
  let distinct = 0;
  for (let b = 0; b < BUCKETS; b++) {
    set.clear(start[b + 1]! - start[b]!);
    for (let i = start[b]!; i < start[b + 1]!; i++) if (set.add(parted[i]!)) distinct++;
  }
  return distinct;
}

const BUCKETS = 256;
