// `--group SERIAL`: a serial no manifest declares is a typo far more often than a wish, so it stops the
// command with the nearest declared serial instead of planning nothing.
import { UsageError } from "../errors.js";
import type { Desired } from "../manifest/types.js";

/** Passes the fleet through when every `--group` serial is declared; else one line with a "did you mean". */
export function checkTargets(targets: string[] | undefined, desired: Desired): Desired {
  const declared = desired.groups.map((g) => g.serial);
  const known = new Set(declared);
  const unknown = (targets ?? []).filter((s) => !known.has(s));
  if (!unknown.length) return desired;
  const each = unknown.map((s) => {
    const near = nearest(s, declared);
    return `"${s}"${near ? ` (did you mean ${near}?)` : ""}`;
  });
  throw new UsageError(
    `--group ${each.join(", ")}: no manifest declares ${unknown.length === 1 ? "this serial" : "these serials"}`,
  );
}

/** The declared serial closest to `word` (case-insensitive edit distance), when it is close enough. */
export function nearest(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const o of options) {
    const d = distance(word.toUpperCase(), o.toUpperCase());
    if (d < bestDistance) [best, bestDistance] = [o, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
