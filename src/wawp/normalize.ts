// Engine shapes -> the Live model: WEBJS chats, NOWEB keyed objects (pn and lid addressing), GOWS's
// PascalCase GroupInfo, ZAPO and WAHA's GroupInfo all land here, so no raw engine shape reaches the
// planner. Strict: what cannot be read is a ShapeError naming its shape, never a dropped group.
import { engineId } from "../jid.js";
import type { LiveGroup, LiveParticipant, Role } from "../live/types.js";
import type { Settings, Who } from "../manifest/types.js";
import { bool, describeShape, idString, isObj, num, type Obj, ShapeError, str, unixSeconds } from "./read.js";

/** Every Get Groups shape -> its raw group items; anything else (HTML, `{"error": …}`) is an error. */
export function groupItems(body: unknown): unknown[] {
  const listed = listedItems(body);
  if (!listed) throw new ShapeError(`not a groups listing: ${describeShape(body)}`);
  const { items, ids } = listed;
  return ids ? items.map((v, i) => (isObj(v) ? { id: ids[i], ...v } : v)) : items;
}

/** The items a listing body holds as the engine sent them: an array (bare, or under groups, data or
 * results), or NOWEB's object keyed by group ID ({} when there is none: then `ids` are its keys). */
function listedItems(body: unknown): { items: unknown[]; ids?: string[] } | undefined {
  if (Array.isArray(body)) return { items: body };
  if (!isObj(body)) return undefined;
  for (const k of ["groups", "data", "results"])
    if (Array.isArray(body[k])) return { items: body[k] as unknown[] };
  const ids = Object.keys(body);
  return ids.every((k) => k.endsWith("@g.us")) ? { items: Object.values(body), ids } : undefined;
}

/** How many items a listing page holds and how many participants they list, read before the page is
 * normalized (undefined for a body that is not a listing: normalizeGroups says why). */
function listingSize(body: unknown): { items: number; participants: number } | undefined {
  const items = listedItems(body)?.items;
  if (!items) return undefined;
  let participants = 0;
  for (const item of items)
    if (isObj(item)) {
      const p = item.participants ?? item.Participants;
      if (Array.isArray(p)) participants += p.length;
    }
  return { items: items.length, participants };
}

/** Tell a listing page's size to `sized` before it is normalized (listing.ts asks for the next page
 * then), and give that request a turn of the event loop to leave before the normalizing starts. */
export async function tellSize(body: unknown, sized?: (items: number, participants: number) => void) {
  const size = sized && listingSize(body);
  if (!size) return;
  sized(size.items, size.participants);
  await new Promise((r) => setImmediate(r));
}

/** A listing page -> its groups, and how many items the page held (a server pages by items). */
export function normalizeGroups(body: unknown): { groups: LiveGroup[]; items: number } {
  const items = groupItems(body);
  return { groups: items.map((item, i) => normalizeGroup(item, `item ${i + 1}`)), items: items.length };
}

const GROUP_ID = /^\d[\d-]*@g\.us$/;

export function normalizeGroup(item: unknown, where = "the group"): LiveGroup {
  if (!isObj(item)) throw new ShapeError(`cannot read ${where}: ${describeShape(item)}`);
  const raw = "JID" in item || "Name" in item ? gowsFields(item) : commonFields(item);
  if (!raw.id || !GROUP_ID.test(raw.id) || raw.subject === undefined)
    throw new ShapeError(
      `cannot read ${where} as a group (${raw.engine} shape?): ${describeShape(item)}${raw.id ? ` (id ${raw.id.slice(0, 40)})` : ""}`,
    );
  const g: LiveGroup = { id: raw.id, subject: raw.subject, settings: raw.settings };
  if (raw.description !== undefined) g.description = raw.description;
  if (raw.creation !== undefined) g.creation = raw.creation;
  // missing or null (GOWS): the listing did not carry them; the reader asks per group
  if (Array.isArray(raw.participants)) {
    const read = normalizeParticipants(raw.participants, `participants of ${raw.id}`);
    g.participants = read.participants;
    if (read.invalid.length) g.invalidParticipants = read.invalid;
  } else if (raw.participants !== undefined && raw.participants !== null)
    throw new ShapeError(`cannot read participants of ${raw.id}: ${describeShape(raw.participants)}`);
  const owners = raw.owners.map((o) => (o ? engineId(o) : undefined));
  const owner = owners.find((o) => o?.kind === "pn");
  // an owner named only by privacy ID is a participant whose number the list may carry
  const ownerLid = owners.find((o) => o?.kind === "lid");
  const viaLid = ownerLid?.kind === "lid" ? g.participants?.find((p) => p.lid === ownerLid.lid) : undefined;
  if (owner?.kind === "pn") g.owner = owner.jid;
  else if (viaLid && !viaLid.jid.endsWith("@lid")) g.owner = viaLid.jid;
  const size = raw.size ?? g.participants?.length;
  if (size !== undefined) g.size = size;
  return g;
}

interface RawGroup {
  engine: string;
  id: string | undefined;
  subject: string | undefined;
  description: string | undefined;
  owners: (string | undefined)[];
  creation: number | undefined;
  participants: unknown;
  size: number | undefined;
  settings: Partial<Settings>;
}

/** whatsmeow's GroupInfo as GOWS sends it (whatsmeow `types/group.go`). */
function gowsFields(g: Obj): RawGroup {
  return {
    engine: "GOWS",
    id: idString(g.JID),
    subject: str(g.Name),
    description: descOf(g.Topic),
    owners: [idString(g.OwnerPN), idString(g.OwnerJID)],
    creation: unixSeconds(g.GroupCreated),
    participants: g.Participants,
    size: num(g.ParticipantCount),
    settings: settingsOf({
      announce: g.IsAnnounce,
      restrict: g.IsLocked,
      memberAddMode: g.MemberAddMode,
      approval: g.IsJoinApprovalRequired,
    }),
  };
}

/**
 * WEBJS chats (fields in groupMetadata), NOWEB, ZAPO and WAHA's GroupInfo share lower-case names;
 * ZAPO keeps the settings and the participants' numbers in `_data`, the engine's own metadata.
 */
function commonFields(item: Obj): RawGroup {
  const webjs = isObj(item.groupMetadata);
  const data = isObj(item._data) ? item._data : {};
  const m = webjs ? (item.groupMetadata as Obj) : { ...data, ...item };
  return {
    engine: webjs ? "WEBJS" : "id" in item && "subject" in item ? "NOWEB/ZAPO/GroupInfo" : "unknown",
    id: idString(item.id) ?? idString(m.id) ?? idString(item.gid),
    subject: str(m.subject) ?? str(item.subject) ?? str(item.name),
    description: descOf(m.desc) ?? descOf(m.description) ?? descOf(item.description),
    owners: [idString(m.ownerPn), idString(m.owner_pn), idString(m.owner)],
    creation: unixSeconds(m.creation) ?? unixSeconds(item.creation),
    participants: Array.isArray(data.participants)
      ? data.participants
      : (m.participants ?? item.participants),
    size: num(m.size) ?? num(item.size),
    settings: settingsOf({
      announce: m.announce ?? not(m.membersCanSendMessages),
      restrict: m.restrict ?? not(m.membersCanEditGroupInfo),
      memberAddMode: m.memberAddMode ?? m.membersCanAddNewMember,
      approval:
        m.membershipApprovalMode ??
        m.joinApprovalMode ??
        m.newMembersApprovalRequired ??
        m.membershipApprovalEnabled,
    }),
  };
}

function not(v: unknown): boolean | undefined {
  const b = bool(v);
  return b === undefined ? undefined : !b;
}

function descOf(v: unknown): string | undefined {
  if (typeof v === "string") return v.trimEnd();
  if (v === null) return "";
  if (isObj(v)) return descOf(v.body ?? v.desc ?? v.description);
  return undefined;
}

const who = (adminsOnly: boolean | undefined): Who | undefined =>
  adminsOnly === undefined ? undefined : adminsOnly ? "admins" : "all";

/** A field the engine leaves out (or spells in a way not known) stays unknown, never false. */
function settingsOf(m: { announce: unknown; restrict: unknown; memberAddMode: unknown; approval: unknown }) {
  const s: Partial<Settings> = {};
  const sendMessages = who(bool(m.announce));
  if (sendMessages) s.sendMessages = sendMessages;
  const editInfo = who(bool(m.restrict));
  if (editInfo) s.editInfo = editInfo;
  // WEBJS/GOWS name the mode; NOWEB and GroupInfo say whether every member may add
  const addAll =
    m.memberAddMode === "all_member_add"
      ? true
      : m.memberAddMode === "admin_add"
        ? false
        : bool(m.memberAddMode);
  const addMembers = who(addAll === undefined ? undefined : !addAll);
  if (addMembers) s.addMembers = addMembers;
  const approval = bool(m.approval);
  if (approval !== undefined) s.approveJoins = approval;
  return s;
}

export interface ParticipantsRead {
  participants: LiveParticipant[];
  /** IDs no person can have (`@c.us`, a group ID, too few digits): reported, never a target */
  invalid: string[];
}

const ROLES: Record<string, Role | "left"> = {
  participant: "member",
  member: "member",
  admin: "admin",
  superadmin: "superadmin",
  left: "left",
};

/** Any engine's participant list (strings, `{id, …}`, GOWS `{JID, PhoneNumber, LID, …}`), deduplicated. */
export function normalizeParticipants(list: unknown[], where = "participants"): ParticipantsRead {
  const seen = new Set<string>();
  const participants: LiveParticipant[] = [];
  const invalid: string[] = [];
  for (let i = 0; i < list.length; i++) {
    // the item's name is built only for an error: a listing holds millions of participants
    const read = readParticipant(list[i], where, i);
    if (read === "left") continue;
    if (typeof read === "string") {
      invalid.push(read);
      continue;
    }
    // the first of a person's entries counts (one look-up: add, then see whether the set grew)
    const before = seen.size;
    seen.add(read.jid);
    if (seen.size > before) participants.push(read);
  }
  return { participants, invalid };
}

/** A participant, "left", or the raw ID when it names no person. */
function readParticipant(p: unknown, list: string, i: number): LiveParticipant | "left" | string {
  const where = () => `${list}, item ${i + 1}`;
  if (typeof p === "string") return fromIds(p, undefined, "member") ?? p;
  if (!isObj(p)) throw new ShapeError(`cannot read ${where()}: ${describeShape(p)}`);
  const rawId = idString(p.id) ?? idString(p.JID) ?? idString(p.jid);
  if (!rawId) throw new ShapeError(`cannot read ${where()}: no ID in ${describeShape(p)}`);
  let role: Role | "left" | undefined = "member";
  if (typeof p.role === "string") role = ROLES[p.role];
  else if (typeof p.type === "string") role = ROLES[p.type];
  else if (p.admin !== undefined && p.admin !== null) role = ROLES[String(p.admin)];
  if (p.isSuperAdmin === true || p.IsSuperAdmin === true) role = "superadmin";
  else if ((p.isAdmin === true || p.IsAdmin === true) && role === "member") role = "admin";
  if (!role)
    throw new ShapeError(`cannot read ${where()}: unknown role ${String(p.role ?? p.admin).slice(0, 20)}`);
  if (role === "left") return "left";
  // a number wins over a privacy ID: the manifest names people by number
  return fromIds(rawId, p, role) ?? rawId;
}

/** The fields after `id` that may name the same person, in the order they are tried. */
const OTHER_IDS = ["pn", "phoneNumber", "PhoneNumber", "jid", "lid", "LID"] as const;

/** The first number and the first privacy ID among `rawId` and `p`'s other ID fields. */
function fromIds(rawId: string, p: Obj | undefined, role: Role): LiveParticipant | undefined {
  let pn: string | undefined;
  let lid: string | undefined;
  const take = (raw: string | undefined) => {
    const id = raw ? engineId(raw) : undefined;
    if (id?.kind === "pn") pn ??= id.jid;
    else if (id?.kind === "lid") lid ??= id.lid;
  };
  take(rawId);
  // the rest only until both are found: an earlier one always wins
  if (p) for (let k = 0; k < OTHER_IDS.length && !(pn && lid); k++) take(idString(p[OTHER_IDS[k]!]));
  if (pn) return lid ? { jid: pn, role, lid } : { jid: pn, role };
  if (lid) return { jid: lid, role, lid };
  return undefined;
}
