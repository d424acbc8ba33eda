import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { DigitPattern } from "./digits.js";

// the full parser loads only for numbers the fast check refuses
const require = createRequire(import.meta.url);
const fullParser = () =>
  (require("libphonenumber-js/max") as typeof import("libphonenumber-js/max")).parsePhoneNumberFromString;

export type PhoneResult = { ok: true; jid: string } | { ok: false; reason: string };

/**
 * An international number in any common formatting -> `<digits>@c.us`. Numbers without a leading
 * "+" are read as international digits ("14155550102", "0014155550102"); a JID is accepted too.
 */
export function parsePhone(raw: string): PhoneResult {
  const r = phoneNumber(raw);
  return typeof r === "number" ? { ok: true, jid: `${r}@c.us` } : { ok: false, reason: r };
}

/** the digits of the number phoneNumber is reading, one per byte: DIGITS[from..to) is its national
 * number once the calling code's digits are skipped */
const DIGITS = new Uint8Array(15);

/** 10^k for k digits: a number's leading digits by division, with no string made */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The same reading as parsePhone, giving the person (the E.164 digits as one number: at most 15, so
 * exact in a float64) or why the text is not one. A manifest's entries come here: a million of them
 * make no string but each national number the numbering plan's patterns are tested on.
 */
export function phoneNumber(raw: string): number | string {
  // no memo: the check costs less than a Map of 100,000 distinct strings
  let s = raw;
  if (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1))) s = s.trim();
  const at = s.indexOf("@");
  if (at >= 0) {
    const server = s.slice(at + 1);
    if (server !== "c.us" && server !== "s.whatsapp.net") return "is not a person's ID";
    s = s.slice(0, at);
  }
  // one pass: the digits read as a number (the zeros before the first other digit counted apart),
  // the usual separators allowed, anything else refused
  let n = 0;
  let count = 0;
  let zeros = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) {
      count++;
      if (n === 0 && d === 0) zeros++;
      else {
        n = n * 10 + d;
        // the digits kept for the numbering plan's patterns (past 15 the number is refused anyway)
        if (count - zeros <= 15) DIGITS[count - zeros - 1] = d;
      }
    } else if (!(isSeparator(d + 48) || (d === -5 && i === 0)))
      return "has characters a phone number cannot have";
  }
  // written without "+" or "00", the first digits may be a local area code, not a country
  const plus = s.charCodeAt(0) === 43;
  const international = plus || zeros >= 2;
  if (!plus && zeros >= 2) {
    zeros -= 2;
    count -= 2;
  }
  if (count < 7 || count > 15)
    return "is not an international phone number (start with + and the country code)";
  // calling codes never start with 0, and past the zeros the digits are exactly n
  const ccDigits = zeros ? 0 : callingCodeOf(n, count);
  if (!ccDigits)
    return international
      ? "does not start with a known country calling code"
      : `has no country code: add it with a "+", e.g. "+1 ${s}" for a US number`;
  const cc = Math.floor(n / POW10[count - ccDigits]!);
  if (isValidNational(cc, ccDigits, count)) return n;
  // not valid as written: libphonenumber's full parser may still find it valid once it strips a
  // trunk prefix ("+44 (0)20 …", "+7 8 …"), and then its normalized number is the person
  const parsed = fullParser()(`+${n}`);
  if (parsed?.isValid()) return Number(parsed.number.slice(1));
  // naming the country its first digits happen to spell would mislead ("+41" for a US 415 number)
  if (!international) return `has no country code: add it with a "+", e.g. "+1 ${s}" for a US number`;
  return `is not a valid phone number for country code +${cc}`;
}

/** a character String#trim might remove (all its white space is at most 32 or above 126) */
function isSpace(c: number): boolean {
  return c <= 32 || c > 126;
}

/** space, tab, ( ) . - / */
function isSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 40 || c === 41 || c === 46 || c === 45 || c === 47;
}

/** Aliases look like names, numbers look like numbers: this decides which error message fits. */
export function looksLikeAlias(s: string): boolean {
  const c = s.charCodeAt(0);
  // numbers start with "+", "(" or a digit: most entries are decided by their first character
  if (c === 43 || c === 40 || (c >= 48 && c <= 57)) return false;
  return /^[A-Za-z][A-Za-z0-9._-]*$/.test(s.trim());
}

// ---- validity ----
// libphonenumber-js's own isValid() rebuilds a RegExp for every pattern it tries, which dominates
// validating a 100,000-member fleet. This is the same algorithm (getNumberType, and the country
// choice for shared calling codes) over the same full metadata, with each pattern compiled once.
// What it finds invalid is asked of libphonenumber-js itself, and a property test checks the two
// agree on random numbers. The build stores the plans read from the metadata
// (dist/validators/phone-plans.json), so a run starts without loading libphonenumber-js's modules;
// from source (tests) they are read from libphonenumber-js on first use.

/** One country's numbering plan as libphonenumber-js's full metadata gives it. */
interface PlanSource {
  national: string;
  leading?: string;
  hasTypes: boolean;
  /** FIXED_LINE first, then the other types in libphonenumber's order */
  types: { lengths?: number[]; pattern: string }[];
}

export interface NumberingPlans {
  /** calling code -> its countries, the main one first */
  codes: Record<string, string[]>;
  /** country -> its plan */
  plans: Record<string, PlanSource>;
}

/** One country's numbering plan with every pattern compiled once. */
interface Plan {
  national: DigitMatcher;
  leading?: DigitMatcher;
  hasTypes: boolean;
  types: { lengths?: number[]; re: DigitMatcher }[];
}

/** A pattern run over digits[from..to): whole, or as a prefix (RegExp#search(...) === 0). */
type DigitMatcher = Pick<DigitPattern, "full" | "prefix">;

/** The pattern as an automaton over digits; one outside its syntax keeps a RegExp (a property test
 * holds both to libphonenumber-js). */
export function digitMatcher(source: string): DigitMatcher {
  try {
    return new DigitPattern(source);
  } catch {
    const whole = new RegExp(`^(?:${source})$`);
    const lead = new RegExp(source);
    const text = (digits: Uint8Array, from: number, to: number) => {
      let t = "";
      for (let i = from; i < to; i++) t += digits[i];
      return t;
    };
    return {
      full: (digits, from, to) => whole.test(text(digits, from, to)),
      prefix: (digits, from, to) => text(digits, from, to).search(lead) === 0,
    };
  }
}

interface TypeDef {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface Metadata {
  selectNumberingPlan(country: string): void;
  leadingDigits(): string | undefined;
  nationalNumberPattern(): string;
  hasTypes(): boolean;
  type(t: string): TypeDef | undefined;
}

const TYPES = [
  "FIXED_LINE",
  "MOBILE",
  "PREMIUM_RATE",
  "TOLL_FREE",
  "SHARED_COST",
  "VOIP",
  "PERSONAL_NUMBER",
  "PAGER",
  "UAN",
  "VOICEMAIL",
];

/** Every calling code's countries and every country's plan, read from libphonenumber-js's full metadata. */
export function readNumberingPlans(): NumberingPlans {
  const { Metadata } = require("libphonenumber-js/core") as {
    Metadata: new (m: unknown) => Metadata;
  };
  const metadata = require("libphonenumber-js/metadata.max.json") as {
    country_calling_codes: Record<string, string[]>;
  };
  const m = new Metadata(metadata);
  const plans: Record<string, PlanSource> = {};
  for (const countries of Object.values(metadata.country_calling_codes))
    for (const country of countries) {
      m.selectNumberingPlan(country);
      const leading = m.leadingDigits();
      plans[country] = {
        national: m.nationalNumberPattern(),
        ...(leading ? { leading } : {}),
        hasTypes: m.hasTypes(),
        types: TYPES.flatMap((t) => {
          const def = m.type(t);
          const pattern = def?.pattern();
          if (!def || !pattern) return [];
          const lengths = def.possibleLengths();
          return [{ ...(lengths ? { lengths } : {}), pattern }];
        }),
      };
    }
  return { codes: metadata.country_calling_codes, plans };
}

export const PHONE_PLANS_FILE = "phone-plans.json";
const stored = fileURLToPath(new URL(`../validators/${PHONE_PLANS_FILE}`, import.meta.url));
let table: NumberingPlans | undefined;
const numbering = (): NumberingPlans => {
  table ??= existsSync(stored)
    ? (JSON.parse(readFileSync(stored, "utf8")) as NumberingPlans)
    : readNumberingPlans();
  return table;
};
/** 1 at each known calling code (they are 1 to 3 digits) */
let isCallingCode: Uint8Array | undefined;
const compiled = new Map<string, Plan>();

function planOf(country: string): Plan {
  let plan = compiled.get(country);
  if (!plan) {
    const src = numbering().plans[country]!;
    plan = {
      national: digitMatcher(src.national),
      ...(src.leading ? { leading: digitMatcher(src.leading) } : {}),
      hasTypes: src.hasTypes,
      types: src.types.map((t) => ({
        ...(t.lengths ? { lengths: t.lengths } : {}),
        re: digitMatcher(t.pattern),
      })),
    };
    compiled.set(country, plan);
  }
  return plan;
}

/** libphonenumber's getNumberType(...) !== undefined, for the national number DIGITS[from..to) */
function hasNumberType(plan: Plan, from: number, to: number): boolean {
  if (!plan.national.full(DIGITS, from, to)) return false;
  for (const t of plan.types)
    if ((!t.lengths || t.lengths.includes(to - from)) && t.re.full(DIGITS, from, to)) return true;
  return false;
}

/** A calling code's countries in libphonenumber's order (their plans compiled on first use), and the
 * plan a number none of them claims is held to. */
interface CallingCode {
  shared: { country: string; plan?: Plan }[] | undefined;
  main: string;
}
const byCallingCode: (CallingCode | undefined)[] = [];

function callingCode(cc: number): CallingCode {
  let found = byCallingCode[cc];
  if (!found) {
    const countries = numbering().codes[String(cc)]!;
    found = {
      shared: countries.length > 1 ? countries.map((country) => ({ country })) : undefined,
      // a calling code's own plan is its main country's, listed first
      main: countries[0]!,
    };
    byCallingCode[cc] = found;
  }
  return found;
}

function isValidNational(cc: number, from: number, to: number): boolean {
  const { shared, main } = callingCode(cc);
  if (shared) {
    // a shared calling code (+1, +7, +44…): the first country whose leading digits or types fit
    for (const c of shared) {
      c.plan ??= planOf(c.country);
      const plan = c.plan;
      if (plan.leading) {
        if (plan.leading.prefix(DIGITS, from, to))
          return plan.hasTypes ? hasNumberType(plan, from, to) : plan.national.full(DIGITS, from, to);
      } else if (hasNumberType(plan, from, to)) return true;
    }
  }
  const plan = planOf(main);
  return plan.hasTypes ? hasNumberType(plan, from, to) : plan.national.full(DIGITS, from, to);
}

/** How many of the `count` digits of `n` its calling code takes (1 to 3), or 0 when none is known. */
function callingCodeOf(n: number, count: number): number {
  if (!isCallingCode) {
    isCallingCode = new Uint8Array(1000);
    for (const c of Object.keys(numbering().codes)) isCallingCode[Number(c)] = 1;
  }
  // calling codes are prefix-free: the first of 1, 2 or 3 digits that names one is it
  for (let len = 1; len <= 3; len++) if (isCallingCode[Math.floor(n / POW10[count - len]!)]) return len;
  return 0;
}
