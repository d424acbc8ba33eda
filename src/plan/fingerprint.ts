import { createHash } from "node:crypto";
import type { LiveGroup } from "../live/types.js";

/** What a saved plan remembers of each live group: if any of it changes, the plan is stale for that group. */
export function fingerprint(g: LiveGroup): string {
  const data = {
    id: g.id,
    subject: g.subject,
    description: g.description ?? null,
    settings: [g.settings.sendMessages, g.settings.editInfo, g.settings.addMembers, g.settings.approveJoins],
    participants: (g.participants ?? []).map((p) => `${p.jid}:${p.role}`).sort(),
    // how it looks, not its URL (signed, it changes between reads) nor its bytes (re-encoded)
    picture: g.picture ? (g.picture.hash ?? g.picture.sha256 ?? g.picture.url !== null) : null,
    labels: [...(g.labels ?? [])].sort(),
  };
  return createHash("sha256").update(JSON.stringify(data)).digest("hex").slice(0, 16);
}
