// How a serial and a title become a live subject, and how a live subject gives its serial back.
import { jsSource, literalAtoms, parseLinear, unambiguous } from "./native-regex.js";
import { re2js, userRegex } from "./regex.js";

const PLACEHOLDER = /\{serial\}|\{subject\}/g;

/** Render literally: "$&" or "$$" in a title come out as typed (a string replacement would not). */
export function renderSubject(format: string, serial: string, subject: string): string {
  return format.replace(PLACEHOLDER, (p) => (p === "{serial}" ? serial : subject));
}

/** Why a subjectFormat cannot carry identity, or undefined when it can. */
export function subjectFormatProblem(format: string): string | undefined {
  const count = (p: string) => format.split(p).length - 1;
  if (count("{serial}") !== 1 || count("{subject}") !== 1)
    return "subjectFormat must contain {serial} and {subject} exactly once each";
  if (format.includes("{serial}{subject}") || format.includes("{subject}{serial}"))
    return "subjectFormat must put literal text between {serial} and {subject}: without a separator a title that starts like a serial (a digit, a letter) reads back as part of the serial";
  return undefined;
}

/**
 * A parser for live subjects: given "VIP-789 | Cloud Migration Team" and the configured format and
 * serial pattern, returns the serial, or undefined when the subject carries none. RE2 underneath, so
 * a hostile serialPattern costs linear time on any subject.
 */
export function subjectParser(
  format: string,
  serialPattern: string,
): (subject: string) => string | undefined {
  const serialSrc = userRegex(serialPattern).source.replace(/^\^/, "").replace(/\$$/, "");
  const native = nativeSubjectParser(format, serialPattern);
  if (native)
    return (subject: string) => {
      const m = native.exec(subject.trim());
      return m ? m[1] : undefined;
    };
  const src = format
    .split(/(\{serial\}|\{subject\})/)
    .map((part) => {
      if (part === "{serial}") return `(?P<serial>(?:${serialSrc}))`;
      if (part === "{subject}") return "(?P<subject>(?s:.*))";
      return part ? re2js().RE2JS.quote(part) : "";
    })
    .join("");
  const re = re2js().RE2JS.compile(`^${src}$`);
  return (subject: string) => {
    const m = re.matcher(subject.trim());
    return m.matches() ? (m.group("serial") ?? undefined) : undefined;
  };
}

/**
 * The same parser as a JS RegExp, when it keeps RE2's answers and linear time: the format is
 * [prefix]{serial}separator{subject}[suffix], the serial pattern is in native-regex.ts's subset (its
 * anchors dropped), and the prefix, serial and separator are unambiguous together. The subject's
 * "anything" then runs to the end and gives back at most the suffix's length.
 */
function nativeSubjectParser(format: string, serialPattern: string): RegExp | undefined {
  const m = /^([^{}]*)\{serial\}([^{}]+)\{subject\}([^{}]*)$/su.exec(format);
  // the anchors dropped exactly as for RE2 above: "(?i)^…" keeps its "^", and stays on RE2
  const serial = parseLinear(serialPattern.replace(/^\^/, "").replace(/\$$/, ""));
  if (!m || !serial || serial.start || serial.end) return undefined;
  const [, prefix = "", separator = "", suffix = ""] = m;
  // (?i) in the serial pattern is scoped to it in RE2: literal text with a case would be folded too
  if (serial.caseless && /[^\x00-\x40\x5b-\x60\x7b-\x7f]/.test(prefix + separator + suffix)) return undefined;
  const atoms = [...literalAtoms(prefix, false), ...serial.atoms, ...literalAtoms(separator, false)];
  if (!unambiguous(atoms) || [...prefix, ...separator, ...suffix].some((c) => c.charCodeAt(0) < 32))
    return undefined;
  const text = (t: string) => jsSource(literalAtoms(t, false));
  return new RegExp(
    `^${text(prefix)}(${jsSource(serial.atoms)})${text(separator)}[^]*${text(suffix)}$`,
    serial.caseless ? "iu" : "u",
  );
}

export interface SubjectMatch {
  serial: string;
  /** true when the serial was found only after folding look-alike characters: worth a warning */
  normalized: boolean;
}

// hyphen, non-breaking hyphen, figure dash, en and em dash, horizontal bar, minus sign
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
// no-break and typographic spaces, ideographic space, and runs of ordinary white space
const SPACES = /[\s\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;
// zero-width characters and bidi controls nobody sees
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** NFKC, look-alike dashes to "-", odd spaces to one " ", invisible characters dropped. */
export function foldSubject(subject: string): string {
  return subject.normalize("NFKC").replace(INVISIBLE, "").replace(DASHES, "-").replace(SPACES, " ").trim();
}

/**
 * Like subjectParser, but a live subject whose serial appears only after folding (a phone turned
 * "VIP-789" into "VIP‑789", or "VIP-789  |  Team") still matches, marked `normalized` so the planner
 * can warn instead of treating the group as missing and creating it again.
 */
export function subjectMatcher(
  format: string,
  serialPattern: string,
): (subject: string) => SubjectMatch | undefined {
  const parse = subjectParser(format, serialPattern);
  // the format's own separators folded the same way, so "{serial}  |  {subject}" still fits
  const parseFolded = subjectParser(foldSubject(format), serialPattern);
  return (subject: string) => {
    const exact = parse(subject);
    if (exact !== undefined) return { serial: exact, normalized: false };
    const folded = foldSubject(subject);
    if (folded === subject.trim()) return undefined;
    const serial = parseFolded(folded);
    return serial === undefined ? undefined : { serial, normalized: true };
  };
}
