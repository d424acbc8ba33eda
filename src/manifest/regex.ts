/** Compile a user's regex; a leading "(?i)" (common in other tools) becomes the `i` flag. */
export function userRegex(source: string): RegExp {
  let flags = "u";
  let body = source;
  const m = /^\(\?([imsx]+)\)/.exec(body);
  if (m) {
    body = body.slice(m[0].length);
    for (const f of m[1]!) if (f !== "x" && !flags.includes(f)) flags += f;
  }
  return new RegExp(body, flags);
}
