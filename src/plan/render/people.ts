import { createRequire } from "node:module";
import { maskJid } from "../../jid.js";

const require = createRequire(import.meta.url);

const pretty = new Map<string, string>();

/** "+1 415 555 0102" for `14155550102@c.us`. */
export function formatJid(jid: string): string {
  let s = pretty.get(jid);
  if (s === undefined) {
    const digits = jid.slice(0, jid.indexOf("@"));
    const { parsePhoneNumberFromString } =
      require("libphonenumber-js/max") as typeof import("libphonenumber-js/max");
    s = parsePhoneNumberFromString(`+${digits}`)?.formatInternational() ?? `+${digits}`;
    pretty.set(jid, s);
  }
  return s;
}

/** How a person is shown: alias and number on a terminal; alias and masked number in a pull request. */
export function personLabel(jid: string, aliases: Record<string, string>, mask: boolean): string {
  const num = mask ? maskJid(jid) : jid.endsWith("@c.us") ? formatJid(jid) : jid;
  const alias = aliases[jid];
  return alias ? `${alias} (${num})` : num;
}

export function peopleList(
  jids: string[],
  aliases: Record<string, string>,
  mask: boolean,
  max = Infinity,
): string {
  const shown = jids.slice(0, max).map((j) => personLabel(j, aliases, mask));
  if (jids.length > max) shown.push(`… and ${jids.length - max} more`);
  return shown.join(", ");
}
