// Users' regular expressions (serialPattern, policy.descriptionMustMatch) run on RE2 semantics
// through re2js, a pure-JS port of RE2: matching is linear in the input whatever the pattern, so
// "^(a+)+$" cannot stall validate or plan. Lookarounds and backreferences are refused at load.
// A pattern in native-regex.ts's unambiguous subset runs on V8's RegExp instead, and then re2js is
// not even loaded.
import { createRequire } from "node:module";
import type { RE2JS } from "re2js";
import { type LinearPattern, linearRegExp, parseLinear } from "./native-regex.js";

const require = createRequire(import.meta.url);
/** re2js, loaded on first use */
export const re2js = (): typeof import("re2js") => require("re2js") as typeof import("re2js");

/** A compiled user pattern. */
export interface UserRegex {
  /** the pattern as written, "(?i)" prefix included */
  readonly source: string;
  /** true when the pattern matches somewhere in `input` (like RegExp.prototype.test) */
  test(input: string): boolean;
}

/** Past this many instructions a pattern is refused: matching cost is input × program size. */
export const MAX_PROGRAM = 5_000;

/** Compile a user's regex with RE2 syntax ("(?i)" as a prefix works as in Go, RE2 and Python).
 * Throws an Error whose message is one line saying why the pattern is refused. */
export function userRegex(source: string): UserRegex {
  // in the subset and small: RE2 would accept it, and V8 gives the same answers (native-regex.ts)
  const linear = parseLinear(source);
  if (linear && small(linear)) {
    const native = linearRegExp(linear);
    return { source, test: (input) => native.test(input) };
  }
  let re2: RE2JS;
  try {
    re2 = re2js().RE2JS.compile(source);
  } catch (e) {
    const reason = String((e as Error).message ?? e).replace(/^error parsing regexp: /, "");
    throw new Error(
      `${reason} (patterns use RE2 syntax, which runs in linear time: no lookarounds or backreferences)`,
    );
  }
  if (re2.programSize() > MAX_PROGRAM)
    throw new Error(`pattern is too large (${re2.programSize()} RE2 instructions; at most ${MAX_PROGRAM})`);
  // a large pattern in the subset still runs on V8's RegExp once RE2 has taken its size
  const native = linear && linearRegExp(linear);
  return { source, test: native ? (input) => native.test(input) : (input) => re2.test(input) };
}

/** far below MAX_PROGRAM: each character or class repeated at most this often in all */
function small(p: LinearPattern): boolean {
  let units = 0;
  for (const a of p.atoms) units += a.max === Number.POSITIVE_INFINITY ? a.min + 1 : a.max;
  return units <= 200;
}

/** The reason `source` is refused, or undefined when it compiles. */
export function regexProblem(source: string): string | undefined {
  try {
    userRegex(source);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
