// Read the live state a plan needs, and no more: per group in scope only the fields the listing lacks
// (participants, an unreported setting, the picture when an icon is declared, labels when declared, the
// farewell when retiring, and one chat read per listed person who is absent). The listing's objects are
// never written to: each group read further is a new object.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ApiError } from "../errors.js";
import { pictureHash } from "../image/index.js";
import { jidOf, PersonSet, personOf } from "../manifest/persons.js";
import { type Config, type DesiredGroup, ignores, type Person, SETTING_KEYS } from "../manifest/types.js";
import { isOurs } from "../plan/identity.js";
import type { Scope } from "../plan/scope.js";
import { mapLimit } from "../pool.js";
import { isUnsupported, optional } from "../wawp/errors.js";
import { lastInvite, needsInviteCode, sentText } from "./recognise.js";
import type { ChatMessage, Live, LiveGroup, LiveLabel, LiveParticipant, LiveReader } from "./types.js";

type Note = (code: string, serial: string | undefined, message: string) => void;

/** A group the instance created within this window and no welcome in it: the run that made it crashed. */
const WELCOME_WINDOW = 86_400;

export interface ReadOptions {
  /** Unix seconds: how far back a chat is read for invites (the whole cooldown) */
  now: number;
  /** icon file -> its bytes, to hash the pictures the manifests declare (default: from disk) */
  readIcon?: (absPath: string) => Uint8Array;
}

export async function readLive(
  reader: LiveReader,
  listing: readonly LiveGroup[],
  scope: Scope,
  config: Config,
  opts: ReadOptions,
): Promise<Live> {
  const session = await openLiveRead(reader, scope.groups, config, opts);
  const work: { d: DesiredGroup; g: LiveGroup }[] = [];
  for (const d of scope.groups) {
    const g = scope.identity.matched.get(d.serial);
    if (g) work.push({ d, g });
  }
  const read = await mapLimit(work, config.limits.concurrency, ({ d, g }) => session.read(d, g));
  await session.warmUp(scope.groups.filter((d) => !d.retired && !scope.identity.matched.has(d.serial)));
  const byId = new Map(read.map((g) => [g.id, g]));
  return { groups: listing.map((g) => byId.get(g.id) ?? g), ...session.fleet() };
}

/** A live read in progress: what the whole fleet shares is read first, then groups as they come. */
export interface LiveRead {
  /** one group in scope: a copy of its listing entry with what the plan needs read in */
  read(d: DesiredGroup, listed: LiveGroup): Promise<LiveGroup>;
  /** warm-up: the people of groups about to be created are asked about too (one read per person a run) */
  warmUp(creating: readonly DesiredGroup[]): Promise<void>;
  /** what the planner needs besides the groups; `heardFrom` as far as chats have been read so far */
  fleet(): Omit<Live, "groups">;
}

/**
 * Start a live read: the account's labels and the manifests' icons (hashed the same way as pictures,
 * so the planner compares how they look) before any group, so each group can be planned once read.
 */
export async function openLiveRead(
  reader: LiveReader,
  inScope: readonly DesiredGroup[],
  config: Config,
  opts: ReadOptions,
): Promise<LiveRead> {
  const notes: NonNullable<Live["notes"]> = [];
  const note: Note = (code, serial, message) => {
    if (!notes.some((n) => n.code === code && n.serial === serial))
      notes.push({ code, ...(serial ? { serial } : {}), message });
  };
  let labels: LiveLabel[] | undefined;
  const managed = Object.keys(config.labels).length > 0;
  if (managed || inScope.some((d) => d.labels.length && !d.retired)) {
    // labels need a Business number: where the API refuses them, one warning and the rest proceeds
    labels = await optional(reader.listLabels(), (why) =>
      note("labels-unreadable", undefined, `labels could not be read (${why}); labels are not compared`),
    ).catch((e: unknown) => {
      if (!(e instanceof ApiError) || e.status >= 500) throw e;
      note(
        "labels-unreadable",
        undefined,
        `labels could not be read (${e.message}); labels are not compared`,
      );
      return undefined;
    });
  }
  const pictures = new PictureHasher(note);
  const iconHashes: Record<string, string> = {};
  for (const d of inScope)
    if (d.icon && !d.retired && !(d.icon.sha256 in iconHashes)) {
      const hash = pictures.ofFile(d.icon.absPath, d.icon.path, opts.readIcon);
      if (hash) iconHashes[d.icon.sha256] = hash;
    }
  const chats = new ChatReader(reader, config, opts.now, note);
  const ctx: GroupRead = {
    reader,
    config,
    note,
    now: opts.now,
    pictures,
    chats,
    labelsKnown: labels !== undefined,
  };
  const warm = config.invites.warmupHours > 0;
  return {
    read: async (d, listed) => {
      try {
        return await readGroup(ctx, d, listed);
      } catch (e) {
        // one group that cannot be read is blocked; the fleet's other groups are planned as usual
        if (!(e instanceof ApiError)) throw e;
        return { ...listed, unreadable: e.message };
      }
    },
    async warmUp(creating) {
      if (!warm) return;
      const people = new Set<Person>();
      for (const d of creating) for (const role of [d.admins, d.members]) for (const n of role) people.add(n);
      await mapLimit([...people], 2, (n) => chats.of(jidOf(n)));
    },
    fleet: () => ({
      ...(labels ? { labels, labelIds: Object.fromEntries(labels.map((l) => [l.name, l.id])) } : {}),
      ...(Object.keys(iconHashes).length ? { iconHashes } : {}),
      ...(warm ? { heardFrom: chats.heardFrom() } : {}),
      notes,
    }),
  };
}

/**
 * People's 1:1 chats, each read once a run however many groups they are absent from: our own messages
 * over the invite cooldown and, with warm-up, theirs over the warm-up window.
 */
class ChatReader {
  private readonly read = new Map<string, Promise<ChatMessage[]>>();
  private readonly lastIn = new Map<string, number>();
  constructor(
    private readonly reader: LiveReader,
    private readonly config: Config,
    private readonly now: number,
    private readonly note: Note,
  ) {}

  of(jid: string): Promise<ChatMessage[]> {
    let p = this.read.get(jid);
    if (!p) {
      const { cooldownDays, warmupHours } = this.config.invites;
      const warm = warmupHours > 0;
      const since = this.now - Math.max(cooldownDays * 86_400, warm ? warmupHours * 3600 : 0);
      // our own messages over the whole cooldown, however chatty the contact (paged by the client)
      const query = warm ? { limit: 50, sinceUnix: since } : { limit: 50, sinceUnix: since, fromMe: true };
      p = optional(this.reader.recentMessages(jid, query), (why) =>
        this.note(
          "chats-unreadable",
          undefined,
          `recent messages could not be read (${why}); sent invites and warm-up cannot be recognised`,
        ),
      ).then((msgs) => {
        for (const m of msgs ?? [])
          if (!m.fromMe && m.timestamp > (this.lastIn.get(jid) ?? Number.NEGATIVE_INFINITY))
            this.lastIn.set(jid, m.timestamp);
        return msgs ?? [];
      });
      this.read.set(jid, p);
    }
    return p;
  }

  heardFrom(): Record<string, number> {
    return Object.fromEntries(this.lastIn);
  }
}

interface GroupRead {
  reader: LiveReader;
  config: Config;
  note: Note;
  now: number;
  pictures: PictureHasher;
  chats: ChatReader;
  /** the account's labels were read (a Business number) */
  labelsKnown: boolean;
}

/** Perceptual hashes, each distinct picture hashed once a run (many groups share one icon). */
class PictureHasher {
  private readonly byBytes = new Map<string, string | undefined>();
  constructor(private readonly note: Note) {}

  of(bytes: Uint8Array, where: string): string | undefined {
    const key = createHash("sha256").update(bytes).digest("hex");
    if (!this.byBytes.has(key)) {
      try {
        this.byBytes.set(key, pictureHash(bytes, where));
      } catch (e) {
        this.byBytes.set(key, undefined);
        this.note("picture-unreadable", undefined, (e as Error).message);
      }
    }
    return this.byBytes.get(key);
  }

  ofFile(
    absPath: string,
    shown: string,
    readIcon: (f: string) => Uint8Array = (f) => readFileSync(f),
  ): string | undefined {
    try {
      return this.of(readIcon(absPath), shown);
    } catch (e) {
      this.note("picture-unreadable", undefined, `icon ${shown}: ${(e as Error).message}`);
      return undefined;
    }
  }
}

/** One group in scope: a copy of its listing entry with what the plan needs read in. */
async function readGroup(ctx: GroupRead, d: DesiredGroup, listed: LiveGroup): Promise<LiveGroup> {
  const { reader, config, note } = ctx;
  const g: LiveGroup = { ...listed, settings: { ...listed.settings } };
  const chatsUnreadable = (why: string) =>
    note(
      "chats-unreadable",
      d.serial,
      `recent messages could not be read (${why}); sent invites and farewells cannot be recognised`,
    );
  if (d.retired) {
    if (d.farewell) {
      const msgs = await optional(reader.recentMessages(g.id, { limit: 50, fromMe: true }), chatsUnreadable);
      g.farewellSent = sentText(msgs ?? [], d.farewell);
    }
    return g;
  }
  const read = await participantsOf(reader, listed);
  g.participants = read.participants;
  const invalid = [...new Set([...(listed.invalidParticipants ?? []), ...read.invalidParticipants])];
  if (invalid.length) g.invalidParticipants = invalid;
  for (const key of SETTING_KEYS) {
    if (g.settings[key] !== undefined) continue;
    try {
      (g.settings as Record<string, unknown>)[key] = await reader.getSetting(g.id, key);
    } catch (e) {
      // an engine or an older server without the route: the planner warns the setting was not compared
      if (!isUnsupported(e) && (e as { status?: number }).status !== 422) throw e;
    }
  }
  if (d.icon) {
    const { url } = await reader.getPicture(g.id);
    g.picture = { url };
    if (url) {
      const bytes = await reader.download(url);
      g.picture.sha256 = createHash("sha256").update(bytes).digest("hex");
      const hash = ctx.pictures.of(bytes, `the picture of ${d.serial}`);
      if (hash) g.picture.hash = hash;
    }
  }
  // the chat's labels: to add declared ones, and to remove managed ones the manifest does not declare
  const managed = Object.keys(config.labels).length > 0;
  if (ctx.labelsKnown && !ignores(d, "labels") && (d.labels.length || managed))
    g.labels = (await reader.chatLabels(g.id)).map((l) => l.name);
  if (
    d.welcome &&
    isOurs(g, config.self) &&
    g.creation !== undefined &&
    ctx.now - g.creation < WELCOME_WINDOW
  ) {
    // created lately by us (maybe by a run that crashed before its welcome): was the welcome posted?
    const msgs = await optional(reader.recentMessages(g.id, { limit: 50, fromMe: true }), chatsUnreadable);
    g.welcomeSent = sentText(msgs ?? [], d.welcome);
  }
  if (config.invites.fallback || config.invites.warmupHours > 0) {
    const invitesSent = await invitesOf(ctx.chats, reader, d, g, g.participants);
    if (invitesSent) g.invitesSent = invitesSent;
  }
  return g;
}

async function participantsOf(
  reader: LiveReader,
  g: LiveGroup,
): Promise<{ participants: LiveParticipant[]; invalidParticipants: string[] }> {
  if (!g.participants) return reader.readParticipants(g.id);
  if (!g.participants.some((p) => p.jid.endsWith("@lid")))
    return { participants: g.participants, invalidParticipants: [] };
  // privacy IDs: the participants read (and its lid look-ups) may name the numbers; one read, when it can help
  const detailed = await optional(reader.readParticipants(g.id), () => undefined);
  const resolved = (ps: readonly LiveParticipant[]) => ps.filter((p) => !p.jid.endsWith("@lid")).length;
  return detailed && resolved(detailed.participants) > resolved(g.participants)
    ? detailed
    : { participants: g.participants, invalidParticipants: [] };
}

// who is in a group, by number: filled and read without an await between, so groups read at once share it
const present = new PersonSet();

/** person -> our newest invite to them for this group; one chat read per listed person who is absent. */
async function invitesOf(
  chats: ChatReader,
  reader: LiveReader,
  d: DesiredGroup,
  g: LiveGroup,
  participants: readonly LiveParticipant[],
): Promise<Record<string, number> | undefined> {
  present.clear(participants.length);
  for (const p of participants) {
    const n = personOf(p.jid);
    if (n !== undefined) present.add(n);
  }
  const absent: string[] = [];
  for (const role of [d.admins, d.members])
    for (let i = 0; i < role.length; i++) if (!present.has(role[i]!)) absent.push(jidOf(role[i]!));
  if (!absent.length) return undefined;
  const read = new Map<string, ChatMessage[]>();
  await mapLimit(absent, 2, async (jid) => {
    read.set(jid, await chats.of(jid));
  });
  // the group's invite code is read only when a link we sent does not name the group by subject
  const unnamed = [...read.values()].some((msgs) => needsInviteCode(msgs, g));
  const code = unnamed ? await reader.getInviteCode(g.id).catch(() => undefined) : undefined;
  const sent: Record<string, number> = {};
  for (const [jid, msgs] of read) {
    // older invites count too: the person refused adds before, so an invite (not an add) is next
    const at = lastInvite(msgs, g, code);
    if (at !== undefined) sent[jid] = at;
  }
  return sent;
}
