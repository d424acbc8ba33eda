// What a delivery says, reduced to what watch uses: which group to look at, and who left by themselves.
// Nothing else is read from an event: engines get field values wrong (NOWEB and GOWS invert the
// announcement flag), so the decision is always made from a fresh read of the group.
import { isLid, personJid } from "../jid.js";

export const GROUP_EVENTS = [
  "group.v2.join",
  "group.v2.leave",
  "group.v2.participants",
  "group.v2.update",
  "group.join",
  "group.leave",
] as const;

export type GroupEventName = (typeof GROUP_EVENTS)[number];

export type Heard =
  | { kind: "group"; event: GroupEventName; groupId: string; subject?: string; left: string[] }
  | { kind: "ignored"; event: string; why: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** `"…@g.us"` or whatsapp-web.js's `{_serialized}` / `{remote}` forms */
function idOf(v: unknown): string | undefined {
  if (typeof v === "string" && v) return v;
  if (isObj(v)) return idOf(v._serialized) ?? idOf(v.remote);
  return undefined;
}

/** A person named by an event: `pn` when given (lid-addressed groups), else the id; a bare `@lid` is no one we can write to. */
function personOf(v: unknown): string | undefined {
  const raw = isObj(v) ? (idOf(v.pn) ?? idOf(v.phoneNumber) ?? idOf(v.id)) : idOf(v);
  if (!raw) return undefined;
  const jid = personJid(raw);
  return isLid(jid) || !/^\d{6,}@c\.us$/.test(jid) ? undefined : jid;
}

export function hear(envelope: unknown): Heard {
  if (!isObj(envelope) || typeof envelope.event !== "string")
    return { kind: "ignored", event: "?", why: "no event name" };
  const event = envelope.event;
  if (!(GROUP_EVENTS as readonly string[]).includes(event))
    return { kind: "ignored", event, why: "not a group event" };
  const p = isObj(envelope.payload) ? envelope.payload : {};
  const group = isObj(p.group) ? p.group : undefined;
  // v2 names the group in payload.group; the older events are whatsapp-web.js notifications
  const groupId = idOf(group?.id) ?? idOf(p.chatId) ?? (isObj(p.id) ? idOf(p.id.remote) : undefined);
  if (!groupId?.endsWith("@g.us")) return { kind: "ignored", event, why: "names no group" };
  // only v2 reports other people leaving; the older group.join / group.leave are the instance's own
  const leaving = event === "group.v2.participants" && p.type === "leave";
  const people = Array.isArray(p.participants) ? p.participants : [];
  const left = leaving ? [...new Set(people.map(personOf).filter((j): j is string => !!j))] : [];
  const subject = typeof group?.subject === "string" ? group.subject : undefined;
  return { kind: "group", event: event as GroupEventName, groupId, left, ...(subject ? { subject } : {}) };
}
