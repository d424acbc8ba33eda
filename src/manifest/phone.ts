import { createRequire } from "node:module";
import { Metadata } from "libphonenumber-js/core";
import metadata from "libphonenumber-js/metadata.max.json";

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
  // no memo: the check costs less than a Map of 100,000 distinct strings
  let s = raw.trim();
  const at = s.indexOf("@");
  if (at >= 0) {
    const server = s.slice(at + 1);
    if (server !== "c.us" && server !== "s.whatsapp.net")
      return { ok: false, reason: "is not a person's ID" };
    s = s.slice(0, at);
  }
  // one pass: keep the digits (a run at a time: a million numbers are a million strings, not ten
  // million), allow the usual separators, refuse anything else
  let digits = "";
  let run = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (run < 0) run = i;
      continue;
    }
    if (!(isSeparator(c) || (c === 43 && i === 0)))
      return { ok: false, reason: "has characters a phone number cannot have" };
    if (run >= 0) {
      digits += s.slice(run, i);
      run = -1;
    }
  }
  if (run >= 0) digits = run === 0 ? s : digits + s.slice(run);
  // written without "+" or "00", the first digits may be a local area code, not a country
  const plus = s.charCodeAt(0) === 43;
  const international = plus || digits.startsWith("00");
  if (!plus && digits.startsWith("00")) digits = digits.slice(2);
  const noCountry = (): PhoneResult => ({
    ok: false,
    reason: `has no country code: add it with a "+", e.g. "+1 ${s}" for a US number`,
  });
  if (digits.length < 7 || digits.length > 15)
    return { ok: false, reason: "is not an international phone number (start with + and the country code)" };
  const cc = callingCodeOf(digits);
  if (!cc)
    return international
      ? { ok: false, reason: "does not start with a known country calling code" }
      : noCountry();
  if (isValidNational(cc, digits.slice(cc.length))) return { ok: true, jid: `${digits}@c.us` };
  // not valid as written: libphonenumber's full parser may still find it valid once it strips a
  // trunk prefix ("+44 (0)20 …", "+7 8 …"), and then its normalized number is the person
  const parsed = fullParser()(`+${digits}`);
  if (parsed?.isValid()) return { ok: true, jid: `${parsed.number.slice(1)}@c.us` };
  // naming the country its first digits happen to spell would mislead ("+41" for a US 415 number)
  if (!international) return noCountry();
  return { ok: false, reason: `is not a valid phone number for country code +${cc}` };
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
// agree on random numbers.

interface TypeDef {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface Plans {
  getCountryCodesForCallingCode(cc: string): string[] | undefined;
  selectNumberingPlan(countryOrCallingCode: string): void;
  leadingDigits(): string | undefined;
  nationalNumberPattern(): string;
  hasTypes(): boolean;
  type(t: string): TypeDef | undefined;
}

/** One country's numbering plan with every pattern compiled once. */
interface Plan {
  national: RegExp;
  leading?: RegExp;
  hasTypes: boolean;
  /** FIXED_LINE first, then the other types in libphonenumber's order */
  types: { lengths?: number[]; re: RegExp }[];
}

const plans = new Metadata(metadata) as unknown as Plans;
const callingCodes = new Set(
  Object.keys((metadata as unknown as { country_calling_codes: object }).country_calling_codes),
);
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
const compiled = new Map<string, Plan>();

function planOf(countryOrCallingCode: string): Plan {
  let plan = compiled.get(countryOrCallingCode);
  if (!plan) {
    plans.selectNumberingPlan(countryOrCallingCode);
    const lead = plans.leadingDigits();
    plan = {
      national: new RegExp(`^(?:${plans.nationalNumberPattern()})$`),
      ...(lead ? { leading: new RegExp(lead) } : {}),
      hasTypes: plans.hasTypes(),
      types: TYPES.flatMap((t) => {
        const def = plans.type(t);
        const pattern = def?.pattern();
        if (!def || !pattern) return [];
        const lengths = def.possibleLengths();
        return [{ ...(lengths ? { lengths } : {}), re: new RegExp(`^(?:${pattern})$`) }];
      }),
    };
    compiled.set(countryOrCallingCode, plan);
  }
  return plan;
}

/** libphonenumber's getNumberType(...) !== undefined */
function hasNumberType(national: string, plan: Plan): boolean {
  if (!plan.national.test(national)) return false;
  for (const t of plan.types)
    if ((!t.lengths || t.lengths.includes(national.length)) && t.re.test(national)) return true;
  return false;
}

/** A calling code's countries in libphonenumber's order (their plans compiled on first use), and the
 * plan a number none of them claims is held to. */
interface CallingCode {
  shared: { country: string; plan?: Plan }[] | undefined;
  main: string;
}
const byCallingCode = new Map<string, CallingCode>();

function callingCode(cc: string): CallingCode {
  let found = byCallingCode.get(cc);
  if (!found) {
    const countries = plans.getCountryCodesForCallingCode(cc);
    found = {
      shared: countries && countries.length > 1 ? countries.map((country) => ({ country })) : undefined,
      main: countries?.length === 1 ? countries[0]! : cc,
    };
    byCallingCode.set(cc, found);
  }
  return found;
}

function isValidNational(cc: string, national: string): boolean {
  const { shared, main } = callingCode(cc);
  if (shared) {
    // a shared calling code (+1, +7, +44…): the first country whose leading digits or types fit
    for (const c of shared) {
      c.plan ??= planOf(c.country);
      const plan = c.plan;
      if (plan.leading) {
        if (national.search(plan.leading) === 0)
          return plan.hasTypes ? hasNumberType(national, plan) : plan.national.test(national);
      } else if (hasNumberType(national, plan)) return true;
    }
  }
  const plan = planOf(main);
  return plan.hasTypes ? hasNumberType(national, plan) : plan.national.test(national);
}

function callingCodeOf(digits: string): string | undefined {
  // calling codes are prefix-free: the first of 1, 2 or 3 digits that names one is it
  for (let len = 1; len <= 3; len++) {
    const c = digits.slice(0, len);
    if (callingCodes.has(c)) return c;
  }
  return undefined;
}
