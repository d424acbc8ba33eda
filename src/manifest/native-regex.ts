// Users' patterns in a small, unambiguous subset run on V8's RegExp instead of RE2 (re2js is an
// interpreter: matching a fleet's serials, descriptions and subjects through it was a tenth of a
// plan's or validate's time). The subset: literals, \d, classes of single characters, ".", the
// quantifiers * + ? {n} {n,} {n,m} on a single character or class, "^" first, "$" last, and a
// leading (?i); no groups, no alternation. And every quantifier whose count varies must be followed
// by a character it cannot match (or end the pattern), so a backtracking matcher never has two ways
// to split the same text: an anchored match is linear, an unanchored test at most quadratic in its
// input (a 2,048-character description: milliseconds). Anything else stays on RE2. The RegExp is
// built with the "u" flag, so "." and classes see code points and (?i) folds as RE2 does; a test holds
// the two engines to the same answers on random patterns and texts.

/** A set of characters, kept coarsely: each ASCII character exactly, everything above it as one flag. */
interface CharSet {
  ascii: boolean[];
  /** may match some character above U+007F */
  wide: boolean;
}

interface Atom {
  /** the atom as JS RegExp source, with the "u" flag's escaping */
  js: string;
  set: CharSet;
  min: number;
  max: number;
}

export interface LinearPattern {
  atoms: Atom[];
  start: boolean;
  end: boolean;
  caseless: boolean;
}

const SYNTAX = "\\^$.|?*+()[]{}/";
// one character RE2 and JS read alike when escaped with "\"
const ESCAPABLE = `${SYNTAX}-`;

/** The pattern in the subset, or undefined when it is not (it then runs on RE2). */
export function parseLinear(source: string): LinearPattern | undefined {
  let at = 0;
  const caseless = source.startsWith("(?i)");
  if (caseless) at = 4;
  const start = source[at] === "^";
  if (start) at++;
  const atoms: Atom[] = [];
  let end = false;
  while (at < source.length) {
    const c = source[at]!;
    if (c === "$" && at === source.length - 1) {
      end = true;
      break;
    }
    let atom: Omit<Atom, "min" | "max"> | undefined;
    if (c === "\\") {
      const e = source[at + 1];
      if (e === "d") atom = { js: "\\d", set: digits() };
      else if (e !== undefined && ESCAPABLE.includes(e)) atom = literal(e, caseless);
      else return undefined;
      at += 2;
    } else if (c === "[") {
      const parsed = charClass(source, at, caseless);
      if (!parsed) return undefined;
      atom = parsed.atom;
      at = parsed.next;
    } else if (c === ".") {
      atom = { js: "[^\\n]", set: { ascii: range(0, 127).map((x) => x !== 10), wide: true } };
      at++;
    } else if (SYNTAX.includes(c) || c.charCodeAt(0) < 32) return undefined;
    else {
      const cp = source.codePointAt(at)!;
      atom = literal(String.fromCodePoint(cp), caseless);
      at += cp > 0xffff ? 2 : 1;
    }
    const q = quantifier(source, at);
    if (!q) return undefined;
    at = q.next;
    atoms.push({ ...atom, min: q.min, max: q.max });
  }
  return unambiguous(atoms) ? { atoms, start, end, caseless } : undefined;
}

/** The pattern as a JS RegExp with RE2's meaning, or undefined when it is outside the subset. */
export function nativeRegex(source: string): RegExp | undefined {
  const p = parseLinear(source);
  return p && linearRegExp(p);
}

/** A pattern parseLinear took, as the JS RegExp that answers as RE2 does. */
export function linearRegExp(p: LinearPattern): RegExp {
  return new RegExp(`${p.start ? "^" : ""}${jsSource(p.atoms)}${p.end ? "$" : ""}`, p.caseless ? "iu" : "u");
}

export function jsSource(atoms: Atom[]): string {
  return atoms.map((a) => `${a.js}${quantifierSource(a)}`).join("");
}

/** Literal text as atoms (a subject format's separators). */
export function literalAtoms(text: string, caseless: boolean): Atom[] {
  return [...text].map((ch) => ({ ...literal(ch, caseless), min: 1, max: 1 }));
}

/** Every quantifier whose count varies is followed by a character it cannot match, or by nothing. */
export function unambiguous(atoms: Atom[]): boolean {
  for (let i = 0; i < atoms.length; i++) {
    const a = atoms[i]!;
    if (a.min === a.max) continue;
    const next = atoms[i + 1];
    if (next && (next.min === 0 || overlaps(a.set, next.set))) return false;
  }
  return true;
}

function quantifierSource(a: Atom): string {
  if (a.min === 1 && a.max === 1) return "";
  if (a.min === 0 && a.max === 1) return "?";
  if (a.min === 0 && a.max === Number.POSITIVE_INFINITY) return "*";
  if (a.min === 1 && a.max === Number.POSITIVE_INFINITY) return "+";
  if (a.max === Number.POSITIVE_INFINITY) return `{${a.min},}`;
  return a.min === a.max ? `{${a.min}}` : `{${a.min},${a.max}}`;
}

function quantifier(source: string, at: number): { min: number; max: number; next: number } | undefined {
  const c = source[at];
  let q: { min: number; max: number; next: number };
  if (c === "*") q = { min: 0, max: Number.POSITIVE_INFINITY, next: at + 1 };
  else if (c === "+") q = { min: 1, max: Number.POSITIVE_INFINITY, next: at + 1 };
  else if (c === "?") q = { min: 0, max: 1, next: at + 1 };
  else if (c === "{") {
    const m = /^\{(\d{1,4})(?:(,)(\d{1,4})?)?\}/.exec(source.slice(at, at + 12));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] ? (m[3] === undefined ? Number.POSITIVE_INFINITY : Number(m[3])) : min;
    // RE2 refuses counts past 1,000; its compile has already refused such a pattern
    if (max < min || min > 1000 || (max !== Number.POSITIVE_INFINITY && max > 1000)) return undefined;
    q = { min, max, next: at + m[0].length };
  } else return { min: 1, max: 1, next: at };
  // a lazy or possessive quantifier, or one quantifier after another: left to RE2
  const after = source[q.next];
  return after === "?" || after === "+" || after === "*" || after === "{" ? undefined : q;
}

function charClass(
  source: string,
  open: number,
  caseless: boolean,
): { atom: Omit<Atom, "min" | "max">; next: number } | undefined {
  let at = open + 1;
  const negated = source[at] === "^";
  if (negated) at++;
  const ascii = range(0, 127).map(() => false);
  let wide = false;
  let js = "";
  let first = true;
  for (;;) {
    if (at >= source.length) return undefined;
    let c = source[at]!;
    if (c === "]" && !first) break;
    first = false;
    if (c === "[") return undefined;
    if (c === "\\") {
      const e = source[at + 1];
      if (e === "d") {
        for (let d = 48; d <= 57; d++) ascii[d] = true;
        js += "\\d";
        at += 2;
        continue;
      }
      if (e === undefined || !`${ESCAPABLE}`.includes(e)) return undefined;
      c = e;
      at += 2;
    } else at += c.length;
    let hi = c;
    if (source[at] === "-" && source[at + 1] !== "]" && at + 1 < source.length) {
      hi = source[at + 1]!;
      if (hi === "\\" || hi === "[") return undefined;
      at += 2;
    }
    const lo = c.codePointAt(0)!;
    const top = hi.codePointAt(0)!;
    // a character outside the BMP, or a control character, is left to RE2
    if (top < lo || top > 0xffff || lo < 32 || (lo <= 0xdfff && top >= 0xd800)) return undefined;
    js += lo === top ? classChar(c) : `${classChar(c)}-${classChar(hi)}`;
    for (let x = lo; x <= Math.min(top, 127); x++) addFolded(ascii, x, caseless);
    if (top > 127 || (caseless && hasLetter(lo, top))) wide = true;
  }
  const set: CharSet = negated ? { ascii: ascii.map((x) => !x), wide: true } : { ascii, wide };
  return { atom: { js: `[${negated ? "^" : ""}${js}]`, set }, next: at + 1 };
}

function literal(ch: string, caseless: boolean): Omit<Atom, "min" | "max"> {
  const cp = ch.codePointAt(0)!;
  const ascii = range(0, 127).map(() => false);
  if (cp < 128) addFolded(ascii, cp, caseless);
  // (?i): "k" and "s" also match the Kelvin sign and the long s, as in RE2
  const wide = cp > 127 || (caseless && hasLetter(cp, cp));
  // with the "u" flag only syntax characters may be escaped ("\-" outside a class is an error)
  return { js: SYNTAX.includes(ch) ? `\\${ch}` : ch, set: { ascii, wide } };
}

function classChar(ch: string): string {
  return "\\]^-[".includes(ch) ? `\\${ch}` : ch;
}

function addFolded(ascii: boolean[], x: number, caseless: boolean): void {
  ascii[x] = true;
  if (caseless && x >= 65 && x <= 90) ascii[x + 32] = true;
  if (caseless && x >= 97 && x <= 122) ascii[x - 32] = true;
}

function hasLetter(lo: number, hi: number): boolean {
  return (lo <= 90 && hi >= 65) || (lo <= 122 && hi >= 97) || hi > 127;
}

function digits(): CharSet {
  return { ascii: range(0, 127).map((x) => x >= 48 && x <= 57), wide: false };
}

function overlaps(a: CharSet, b: CharSet): boolean {
  return (a.wide && b.wide) || a.ascii.some((x, i) => x && b.ascii[i]);
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}
