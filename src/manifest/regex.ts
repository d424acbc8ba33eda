// Users' regular expressions (serialPattern, policy.descriptionMustMatch) run on RE2 semantics
// through re2js, a pure-JS port of RE2: matching is linear in the input whatever the pattern, so
// "^(a+)+$" cannot stall validate or plan. Lookarounds and backreferences are refused at load.
import { RE2JS } from "re2js";
import { nativeRegex } from "./native-regex.js";

/** A compiled user pattern. */
export interface UserRegex {
  /** the pattern as written, "(?i)" prefix included */
  readonly source: string;
  /** true when the pattern matches somewhere in `input` (like RegExp.prototype.test) */
  test(input: string): boolean;
  /** the RE2 program, for embedding in a larger pattern (subject parsing) */
  readonly re2: RE2JS;
}

/** Past this many instructions a pattern is refused: matching cost is input × program size. */
export const MAX_PROGRAM = 5_000;

/** Compile a user's regex with RE2 syntax ("(?i)" as a prefix works as in Go, RE2 and Python).
 * Throws an Error whose message is one line saying why the pattern is refused. */
export function userRegex(source: string): UserRegex {
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(source);
  } catch (e) {
    const reason = String((e as Error).message ?? e).replace(/^error parsing regexp: /, "");
    throw new Error(
      `${reason} (patterns use RE2 syntax, which runs in linear time: no lookarounds or backreferences)`,
    );
  }
  if (re2.programSize() > MAX_PROGRAM)
    throw new Error(`pattern is too large (${re2.programSize()} RE2 instructions; at most ${MAX_PROGRAM})`);
  // a pattern in the unambiguous subset runs on V8's RegExp with the same answers (native-regex.ts)
  const native = nativeRegex(source);
  return { source, re2, test: native ? (input) => native.test(input) : (input) => re2.test(input) };
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
