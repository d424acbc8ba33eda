// groups/people.yaml -> alias -> jid, and how a manifest's entry ("dana", "+1 415 …") becomes a Person
// (the number itself).
import type { Located } from "../errors.js";
import { detach } from "./detach.js";
import { personOf } from "./persons.js";
import { looksLikeAlias, parsePhone, phoneNumber } from "./phone.js";
import { checkSchema } from "./schema.js";
import type { Person } from "./types.js";
import { locate, type ParsedYaml } from "./yaml.js";

/** The directory of people; an entry that is wrong is reported and left out. */
export function loadPeople(parsed: ParsedYaml | undefined, problems: Located[]): Map<string, string> {
  const people = new Map<string, string>();
  if (!parsed) return people;
  const found = parsed.problems.length ? parsed.problems : checkSchema("people", parsed);
  problems.push(...found);
  if (found.length || !parsed.value || typeof parsed.value !== "object") return people;
  for (const [alias, entry] of Object.entries(parsed.value as Record<string, unknown>)) {
    const phone = typeof entry === "string" ? entry : String((entry as { phone: string }).phone);
    const r = parsePhone(phone);
    if (r.ok) people.set(detach(alias), r.jid);
    else
      problems.push(
        locate(parsed, typeof entry === "string" ? [alias] : [alias, "phone"], `"${phone}" ${r.reason}`),
      );
  }
  return people;
}

/** An alias from people.yaml, or a number in any common formatting: the person, or why not. */
export function resolvePerson(entry: unknown, people: Map<string, string>): Person | string {
  if (typeof entry === "number")
    // YAML reads an unquoted +14155550192 as a number, and drops the "+" and any leading zero
    return `${entry} was read as a number: quote phone numbers, e.g. "+${entry}"`;
  const raw = String(entry);
  // the common case, a number written with its "+": no alias starts with one (people.schema.json)
  if (raw.charCodeAt(0) === 43) {
    const n = phoneNumber(raw);
    return typeof n === "number" ? n : `"${raw}" ${n}`;
  }
  const key = raw.trim();
  const aliased = people.size ? people.get(key) : undefined;
  // parsePhone only makes `<digits>@c.us` of E.164 digits, which personOf always reads
  if (aliased) return personOf(aliased)!;
  if (looksLikeAlias(key)) return `unknown alias "${key}" (not in people.yaml)`;
  const n = phoneNumber(key);
  return typeof n === "number" ? n : `"${raw}" ${n}`;
}
