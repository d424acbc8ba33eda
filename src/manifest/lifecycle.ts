// A manifest's lifecycle fields: the welcome posted after creation, the goodbye sent 1:1 to someone
// who leaves, and `ignore`, the fields humans own in this group. Lengths and entry names are the
// schema's to report; what a schema cannot say (a repeat, an entry another one already covers) is here.
import type { Located } from "../errors.js";
import { detach } from "./detach.js";
import { IGNORE_ENTRIES, type IgnoredField, type IgnoreEntry, SETTING_KEYS } from "./types.js";
import { locate, type ParsedYaml } from "./yaml.js";

export interface Lifecycle {
  welcome?: string;
  goodbye?: string;
  ignore: IgnoredField[];
}

const isEntry = (v: unknown): v is IgnoreEntry =>
  typeof v === "string" && (IGNORE_ENTRIES as readonly string[]).includes(v);

/** `settings` stands for its four keys; every other entry for itself. */
export function expandIgnore(entry: IgnoreEntry): IgnoredField[] {
  return entry === "settings" ? SETTING_KEYS.map((k) => `settings.${k}` as const) : [entry];
}

/**
 * The lifecycle fields of a parsed manifest. `ignore` comes back deduplicated and expanded, in
 * IGNORE_ENTRIES order, so two manifests that mean the same thing compare equal; a repeated entry,
 * or one that `settings` already covers, is a problem pushed to `found` (it usually hides a typo).
 */
export function buildLifecycle(p: ParsedYaml, raw: Record<string, unknown>, found: Located[]): Lifecycle {
  const out: Lifecycle = { ignore: [] };
  // over-long texts and wrong types are reported by the schema (maxLength, type)
  if (typeof raw.welcome === "string") out.welcome = detach(raw.welcome);
  if (typeof raw.goodbye === "string") out.goodbye = detach(raw.goodbye);
  if (!Array.isArray(raw.ignore)) return out;

  const entries = raw.ignore as unknown[];
  const firstAt = new Map<IgnoredField, number>();
  const settingsAt = entries.indexOf("settings");
  entries.forEach((entry, index) => {
    if (!isEntry(entry)) return; // the schema names the allowed entries
    const line = (i: number) => locate(p, ["ignore", i], "").line;
    if (entry.startsWith("settings.") && settingsAt >= 0 && settingsAt !== index) {
      found.push(
        locate(
          p,
          ["ignore", index],
          `ignore lists "${entry}" and "settings" (line ${line(settingsAt)}), which already covers it`,
        ),
      );
      return;
    }
    for (const field of expandIgnore(entry)) {
      const prev = firstAt.get(field);
      if (prev !== undefined && entries[prev] === entry) {
        found.push(
          locate(p, ["ignore", index], `ignore lists "${entry}" twice (also at line ${line(prev)})`),
        );
        return;
      }
      if (prev === undefined) firstAt.set(field, index);
    }
  });
  out.ignore = IGNORE_ENTRIES.filter((e): e is IgnoredField => firstAt.has(e as IgnoredField));
  return out;
}
