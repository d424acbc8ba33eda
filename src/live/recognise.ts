// Recognising our own lifecycle messages in a chat, in one place: the live read (what was sent before the
// plan) and the executor (what arrived after an uncertain send) both ask here.
import type { ChatMessage } from "./types.js";

/** Our newest message to this person that carries this group's invite link (by code) or its subject. */
export function lastInvite(
  msgs: readonly Pick<ChatMessage, "fromMe" | "timestamp" | "body">[],
  group: { subject: string },
  code: string | undefined,
): number | undefined {
  let newest: number | undefined;
  for (const m of msgs) {
    if (!m.fromMe) continue;
    const hit =
      (code && m.body.includes(`chat.whatsapp.com/${code}`)) ||
      (group.subject && m.body.includes(group.subject));
    if (hit && (newest === undefined || m.timestamp > newest)) newest = m.timestamp;
  }
  return newest;
}

/** A link we sent that does not name the group by subject: only the invite code can recognise it. */
export function needsInviteCode(msgs: readonly ChatMessage[], group: { subject: string }): boolean {
  return msgs.some(
    (m) => m.fromMe && m.body.includes("chat.whatsapp.com/") && !m.body.includes(group.subject),
  );
}

/** Whether a message of ours with this text is in the chat (farewells, welcomes). */
export function sentText(msgs: readonly Pick<ChatMessage, "fromMe" | "body">[], text: string): boolean {
  const want = text.trim();
  return msgs.some((m) => m.fromMe && m.body.trim() === want);
}
