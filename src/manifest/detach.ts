// Strings js-yaml returns are slices of the file's text, and a V8 slice keeps its whole parent
// alive: one kept title would pin a megabyte manifest in memory. A copy holds only itself.

/** A copy of `s` that shares no storage with the text it was cut from. */
export function detach(s: string): string {
  // short strings are copied by V8 anyway; longer ones are flattened into a new string by the
  // concatenation and cut from that, not from the source
  return s.length < 13 ? s : ` ${s}`.slice(1);
}
