import { maskJid } from "../../jid.js";

/** How a person is shown: alias and number on a terminal; alias and masked number in a pull request. */
export function personLabel(jid: string, aliases: Record<string, string>, mask: boolean): string {
  const num = jid.endsWith("@c.us")
    ? mask
      ? maskJid(jid)
      : `+${jid.slice(0, -5)}`
    : mask
      ? maskJid(jid)
      : jid;
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
