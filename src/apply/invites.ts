// The invite fallback: a person whose privacy settings refuse adds gets the group's link 1:1, once per
// cooldown. The proof it was sent is the 1:1 chat itself, so no state file is needed.
import { ApiError } from "../errors.js";
import { lastInvite } from "../live/recognise.js";
import type { LiveGroup, LiveReader, Mutator } from "../live/types.js";
import type { Config } from "../manifest/types.js";
import { optional } from "../wawp/errors.js";

export interface InviteContext {
  reader: LiveReader;
  mutator: Mutator;
  invites: Config["invites"];
  group: Pick<LiveGroup, "id" | "subject">;
  /** Unix seconds */
  now: () => number;
  /** the group's invite code, read once */
  code?: string;
}

export type InviteResult = "sent" | "already" | "engine" | "disabled";

export async function invite(ctx: InviteContext, jid: string, engineSent = false): Promise<InviteResult> {
  if (!ctx.invites.fallback) return "disabled";
  if (engineSent) return "engine";
  ctx.code ??= await ctx.reader.getInviteCode(ctx.group.id);
  const cooldown = ctx.invites.cooldownDays * 86_400;
  const recentlySent = async () => {
    // an engine that cannot show chats: nothing to recognise, so the first send goes
    const since = ctx.now() - cooldown;
    const query = { limit: 50, sinceUnix: since, fromMe: true };
    const msgs = (await optional(ctx.reader.recentMessages(jid, query), () => undefined)) ?? [];
    const at = lastInvite(msgs, ctx.group, ctx.code);
    return at !== undefined && ctx.now() - at < cooldown;
  };
  if (await recentlySent()) return "already";
  const message = ctx.invites.message
    .replace("{subject}", ctx.group.subject)
    .replace("{link}", `https://chat.whatsapp.com/${ctx.code}`);
  await sendOnce(() => ctx.mutator.sendText(jid, message), recentlySent);
  return "sent";
}

/**
 * Send a message that must arrive exactly once. After an uncertain failure (lost reply, 5xx) the
 * chat is read: if the message is there it went out; if not, it is sent once more.
 */
export async function sendOnce(send: () => Promise<void>, arrived: () => Promise<boolean>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      return;
    } catch (e) {
      if (!(e instanceof ApiError) || !e.uncertain) throw e;
      if (await arrived()) return;
      if (attempt >= 2) throw e;
    }
  }
}
