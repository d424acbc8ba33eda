// Read the live state a plan needs, and no more: per group in scope only the fields the listing lacks
// (participants, an unreported setting, the picture when an icon is declared, labels when declared, the
// farewell when retiring, and one chat read per listed person who is absent). The listing's objects are
// never written to: each group read further is a new object.
import { createHash } from "node:crypto";
import type { Config, DesiredGroup } from "../manifest/types.js";
import { SETTING_KEYS } from "../manifest/types.js";
import type { Scope } from "../plan/scope.js";
import { mapLimit } from "../pool.js";
import { optional } from "../wawp/errors.js";
import { lastInvite, needsInviteCode, sentText } from "./recognise.js";
import type { ChatMessage, Live, LiveGroup, LiveParticipant, LiveReader } from "./types.js";

type Note = (code: string, serial: string | undefined, message: string) => void;

export async function readLive(
  reader: LiveReader,
  listing: readonly LiveGroup[],
  scope: Scope,
  config: Config,
): Promise<Live> {
  const notes: NonNullable<Live["notes"]> = [];
  const note: Note = (code, serial, message) => {
    if (!notes.some((n) => n.code === code && n.serial === serial))
      notes.push({ code, ...(serial ? { serial } : {}), message });
  };
  const work: { d: DesiredGroup; g: LiveGroup }[] = [];
  for (const d of scope.groups) {
    const g = scope.identity.matched.get(d.serial);
    if (g) work.push({ d, g });
  }
  let labelIds: Record<string, string> | undefined;
  if (scope.groups.some((d) => d.labels.length && !d.retired)) {
    const labels = await optional(reader.listLabels(), (why) =>
      note("labels-unreadable", undefined, `labels could not be read (${why}); labels are not compared`),
    );
    if (labels) labelIds = Object.fromEntries(labels.map((l) => [l.name, l.id]));
  }
  const read = await mapLimit(work, config.limits.concurrency, ({ d, g }) =>
    readGroup(reader, d, g, config, note),
  );
  const byId = new Map(read.map((g) => [g.id, g]));
  return {
    groups: listing.map((g) => byId.get(g.id) ?? g),
    ...(labelIds ? { labelIds } : {}),
    notes,
  };
}

/** One group in scope: a copy of its listing entry with what the plan needs read in. */
async function readGroup(
  reader: LiveReader,
  d: DesiredGroup,
  listed: LiveGroup,
  config: Config,
  note: Note,
): Promise<LiveGroup> {
  const g: LiveGroup = { ...listed, settings: { ...listed.settings } };
  const chatsUnreadable = (why: string) =>
    note(
      "chats-unreadable",
      d.serial,
      `recent messages could not be read (${why}); sent invites and farewells cannot be recognised`,
    );
  if (d.retired) {
    if (d.farewell) {
      const msgs = await optional(reader.recentMessages(g.id, 50), chatsUnreadable);
      g.farewellSent = sentText(msgs ?? [], d.farewell);
    }
    return g;
  }
  g.participants = await participantsOf(reader, listed);
  for (const key of SETTING_KEYS) {
    if (g.settings[key] !== undefined) continue;
    try {
      (g.settings as Record<string, unknown>)[key] = await reader.getSetting(g.id, key);
    } catch (e) {
      // 422: this engine cannot read the setting; the planner warns it was not compared
      if ((e as { status?: number }).status !== 422) throw e;
    }
  }
  if (d.icon) {
    const { url } = await reader.getPicture(g.id);
    g.picture = { url };
    if (url)
      g.picture.sha256 = createHash("sha256")
        .update(await reader.download(url))
        .digest("hex");
  }
  if (d.labels.length) g.labels = (await reader.chatLabels(g.id)).map((l) => l.name);
  if (config.invites.fallback) {
    const invitesSent = await invitesOf(reader, d, g, g.participants, chatsUnreadable);
    if (invitesSent) g.invitesSent = invitesSent;
  }
  return g;
}

async function participantsOf(reader: LiveReader, g: LiveGroup): Promise<LiveParticipant[]> {
  if (!g.participants) return reader.getParticipants(g.id);
  if (!g.participants.some((p) => p.jid.endsWith("@lid"))) return g.participants;
  // some engines name privacy IDs' numbers only in the participants read: one read, when it can help
  const detailed = await optional(reader.getParticipants(g.id), () => undefined);
  const resolved = (ps: readonly LiveParticipant[]) => ps.filter((p) => !p.jid.endsWith("@lid")).length;
  return detailed && resolved(detailed) > resolved(g.participants) ? detailed : g.participants;
}

/** person -> our newest invite to them for this group; one chat read per listed person who is absent. */
async function invitesOf(
  reader: LiveReader,
  d: DesiredGroup,
  g: LiveGroup,
  participants: readonly LiveParticipant[],
  chatsUnreadable: (why: string) => void,
): Promise<Record<string, number> | undefined> {
  const present = new Set(participants.map((p) => p.jid));
  const absent = [...d.admins, ...d.members].map((p) => p.jid).filter((j) => !present.has(j));
  if (!absent.length) return undefined;
  const chats = new Map<string, ChatMessage[]>();
  await mapLimit(absent, 2, async (jid) => {
    chats.set(jid, (await optional(reader.recentMessages(jid, 20), chatsUnreadable)) ?? []);
  });
  // the group's invite code is read only when a link we sent does not name the group by subject
  const unnamed = [...chats.values()].some((msgs) => needsInviteCode(msgs, g));
  const code = unnamed ? await reader.getInviteCode(g.id).catch(() => undefined) : undefined;
  const sent: Record<string, number> = {};
  for (const [jid, msgs] of chats) {
    // older invites count too: the person refused adds before, so an invite (not an add) is next
    const at = lastInvite(msgs, g, code);
    if (at !== undefined) sent[jid] = at;
  }
  return sent;
}
