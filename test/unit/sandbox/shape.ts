// "Same shape": the same keys and the same value types, recursively. Values are free (ids, texts and
// numbers differ between a recording and the sandbox); keys that are WhatsApp IDs (NOWEB's listing,
// WEBJS's add results) are data too, so such objects compare as maps of their values' shapes.
const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const isIdKey = (k: string) => k.includes("@");

/** Where `actual` departs from the shape of `recorded`; empty when it keeps it. */
export function shapeDiff(recorded: unknown, actual: unknown, at = "body"): string[] {
  const [r, a] = [kind(recorded), kind(actual)];
  if (r !== a) return [`${at}: ${a} where the engine sends ${r}`];
  if (r === "array") {
    const rs = recorded as unknown[];
    // every element the sandbox sends must look like one of the recorded ones
    if (rs.length === 0) return [];
    return (actual as unknown[]).flatMap((x, i) => {
      const tries = rs.map((y) => shapeDiff(y, x, `${at}[${i}]`));
      return tries.some((t) => t.length === 0) ? [] : tries.reduce((p, q) => (q.length < p.length ? q : p));
    });
  }
  if (r !== "object") return [];
  const ro = recorded as Record<string, unknown>;
  const ao = actual as Record<string, unknown>;
  const rKeys = Object.keys(ro);
  const aKeys = Object.keys(ao);
  if (rKeys.length && rKeys.every(isIdKey) && aKeys.every(isIdKey))
    return shapeDiff(Object.values(ro), Object.values(ao), `${at}{id}`);
  const out: string[] = [];
  for (const k of rKeys) if (!(k in ao)) out.push(`${at}.${k}: missing`);
  for (const k of aKeys) if (!(k in ro)) out.push(`${at}.${k}: not sent by the engine`);
  for (const k of rKeys) if (k in ao) out.push(...shapeDiff(ro[k], ao[k], `${at}.${k}`));
  return out;
}
