// The invite fallback: a person whose privacy settings refuse adds gets the group's link 1:1, once per
// cooldown. The proof it was sent is the 1:1 chat itself, so no state file is needed.
import { ApiError } from "../errors.js";
import type { LiveGroup, LiveReader, Mutator } from "../live.js";
import type { Config } from "../manifest/types.js";
import { lastInvite } from "../plan/refresh.js";

export interface InviteContext {
  reader: LiveReader;
  mutator: Mutator;
  config: Config;
  group: Pick<LiveGroup, "id" | "subject">;
  /** Unix seconds */
  now: () => number;
  /** the group's invite code, read once */
  code?: string;
}

export type InviteResult = "sent" | "already" | "engine" | "disabled";

export async function invite(ctx: InviteContext, jid: string, engineSent = false): Promise<InviteResult> {
  if (!ctx.config.invites.fallback) return "disabled";
  if (engineSent) return "engine";
  ctx.code ??= await ctx.reader.getInviteCode(ctx.group.id);
  const cooldown = ctx.config.invites.cooldownDays * 86_400;
  const recentlySent = async () => {
    const at = lastInvite(await ctx.reader.recentMessages(jid, 20), ctx.group as LiveGroup, ctx.code);
    return at !== undefined && ctx.now() - at < cooldown;
  };
  if (await recentlySent()) return "already";
  const message = ctx.config.invites.message
    .replace("{subject}", ctx.group.subject)
    .replace("{link}", `https://chat.whatsapp.com/${ctx.code}`);
  try {
    await ctx.mutator.sendText(jid, message);
  } catch (e) {
    // the reply was lost: the chat tells whether the message went out; never send blindly twice
    if (e instanceof ApiError && e.uncertain && (await recentlySent())) return "sent";
    throw e;
  }
  return "sent";
}
