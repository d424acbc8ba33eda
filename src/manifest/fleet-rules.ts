// Rules across manifests: a serial or a pinned id declared twice. A group involved in a duplicate is
// not safe to reconcile, so it leaves the fleet and every file involved is reported.
import type { Located } from "../errors.js";
import type { DesiredGroup } from "./types.js";

/** Where `field` of a group's manifest is written; parsed again only for the rare duplicate, so the
 * manifests' text need not stay in memory for the whole load. */
export type Relocate = (group: DesiredGroup, field: "serial" | "id") => Omit<Located, "message">;

export function crossFileRules(
  groups: DesiredGroup[],
  relocate: Relocate,
  problems: Located[],
): DesiredGroup[] {
  const bad = new Set<DesiredGroup>();
  for (const field of ["serial", "id"] as const) {
    const by = new Map<string, DesiredGroup[]>();
    for (const g of groups) {
      const v = g[field];
      if (v) {
        const same = by.get(v);
        if (same) same.push(g);
        else by.set(v, [g]);
      }
    }
    for (const [value, list] of by) {
      if (list.length < 2) continue;
      const at = list.map((g) => relocate(g, field));
      list.forEach((g, i) => {
        const others = at.filter((_, j) => j !== i).map((o) => `${o.file}:${o.line}:${o.column}`);
        problems.push({
          ...at[i]!,
          message: `duplicate ${field} "${value}", also declared in ${others.join(", ")}`,
        });
        bad.add(g);
      });
    }
  }
  return bad.size ? groups.filter((g) => !bad.has(g)) : groups;
}
