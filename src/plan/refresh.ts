// Read the live state a plan needs, and no more: the paged listing, then per group only the fields the
// listing lacks (participants, an unreported setting, the picture when an icon is declared, labels
// when declared, the farewell when retiring, and one chat read per listed person who is absent).
import { createHash } from "node:crypto";
import type { ChatMessage, Live, LiveGroup, LiveReader } from "../live.js";
import { type Desired, type DesiredGroup, SETTING_KEYS } from "../manifest/types.js";
import { mapLimit } from "../pool.js";
import { optional } from "../wawp/errors.js";
import { matchGroups } from "./identity.js";

export interface RefreshOptions {
  targets?: string[];
  /** with --shard: the serials this run owns */
  owns?: (serial: string) => boolean;
  /** Unix seconds */
  now: number;
}

export async function readLive(reader: LiveReader, desired: Desired, opts: RefreshOptions): Promise<Live> {
  const groups = await reader.listGroups();
  return enrich(reader, desired, groups, opts);
}

export async function enrich(
  reader: LiveReader,
  desired: Desired,
  groups: LiveGroup[],
  opts: RefreshOptions,
): Promise<Live> {
  const { config } = desired;
  const targets = new Set(opts.targets ?? []);
  const owns = opts.owns ?? (() => true);
  const inScope = (serial: string) => (!targets.size || targets.has(serial)) && owns(serial);
  const id = matchGroups(desired.groups, groups, config);
  const work: { d: DesiredGroup; g: LiveGroup }[] = [];
  for (const d of desired.groups) {
    if (!inScope(d.serial)) continue;
    const g = id.matched.get(d.serial);
    if (g) work.push({ d, g });
  }
  const live: Live = { groups, notes: [] };
  const note = (code: string, serial: string | undefined, message: string) => {
    if (!live.notes!.some((n) => n.code === code && n.serial === serial))
      live.notes!.push({ code, ...(serial ? { serial } : {}), message });
  };
  if (desired.groups.some((d) => d.labels.length && !d.retired && inScope(d.serial))) {
    const labels = await optional(reader.listLabels(), (why) =>
      note("labels-unreadable", undefined, `labels could not be read (${why}); labels are not compared`),
    );
    if (labels) live.labelIds = Object.fromEntries(labels.map((l) => [l.name, l.id]));
  }
  await mapLimit(work, config.limits.concurrency, async ({ d, g }) =>
    enrichGroup(reader, d, g, desired, note),
  );
  return live;
}

type Note = (code: string, serial: string | undefined, message: string) => void;

async function enrichGroup(reader: LiveReader, d: DesiredGroup, g: LiveGroup, desired: Desired, note: Note) {
  const { config } = desired;
  const chatsUnreadable = (why: string) =>
    note(
      "chats-unreadable",
      d.serial,
      `recent messages could not be read (${why}); sent invites and farewells cannot be recognised`,
    );
  if (d.retired) {
    if (d.farewell) {
      const msgs = await optional(reader.recentMessages(g.id, 50), chatsUnreadable);
      g.farewellSent = (msgs ?? []).some((m) => m.fromMe && m.body.trim() === d.farewell!.trim());
    }
    return;
  }
  if (!g.participants) g.participants = await reader.getParticipants(g.id);
  else if (g.participants.some((p) => p.jid.endsWith("@lid"))) {
    // some engines name privacy IDs' numbers only in the participants read: one read, when it can help
    const detailed = await optional(reader.getParticipants(g.id), () => undefined);
    const resolved = (ps: LiveGroup["participants"]) =>
      (ps ?? []).filter((p) => !p.jid.endsWith("@lid")).length;
    if (detailed && resolved(detailed) > resolved(g.participants)) g.participants = detailed;
  }
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
  if (!config.invites.fallback) return;
  const present = new Set(g.participants.map((p) => p.jid));
  const absent = [...d.admins, ...d.members].map((p) => p.jid).filter((j) => !present.has(j));
  if (!absent.length) return;
  g.invitesSent = {};
  const chats = new Map<string, ChatMessage[]>();
  await mapLimit(absent, 2, async (jid) => {
    chats.set(jid, (await optional(reader.recentMessages(jid, 20), chatsUnreadable)) ?? []);
  });
  // the group's invite code is read only when a link we sent does not name the group by subject
  const unnamed = [...chats.values()].some((msgs) =>
    msgs.some((m) => m.fromMe && m.body.includes("chat.whatsapp.com/") && !m.body.includes(g.subject)),
  );
  const code = unnamed ? await reader.getInviteCode(g.id).catch(() => undefined) : undefined;
  for (const [jid, msgs] of chats) {
    // older invites count too: the person refused adds before, so an invite (not an add) is next
    const sentAt = lastInvite(msgs, g, code);
    if (sentAt !== undefined) g.invitesSent[jid] = sentAt;
  }
}

/** Our newest message to this person that carries this group's link or its subject. */
export function lastInvite(
  msgs: { fromMe: boolean; timestamp: number; body: string }[],
  g: LiveGroup,
  code: string | undefined,
): number | undefined {
  let newest: number | undefined;
  for (const m of msgs) {
    if (!m.fromMe) continue;
    const hit =
      (code && m.body.includes(`chat.whatsapp.com/${code}`)) || (g.subject && m.body.includes(g.subject));
    if (hit && (newest === undefined || m.timestamp > newest)) newest = m.timestamp;
  }
  return newest;
}
