// What an add answer means for each person, as a pure function: who is in, who gets the invite link, who
// must be asked again, and what is reported.
import type { AddOutcome } from "../live/types.js";

export interface AddVerdict {
  /** in the group now (added, or already there) */
  added: string[];
  /** refused by their privacy settings: the invite fallback; `engineSent` when the engine already invited them */
  invite: { jid: string; engineSent: boolean }[];
  /** the answer did not say (code 0): add them once more, explicitly */
  askAgain: string[];
  /** not added, one line each, for the report (the group ends failed: a later run retries) */
  failed: { jid: string; note: string }[];
  /** still no word after asking again: reported, and the next plan reads the group and knows */
  unsure: string[];
}

const WHY: Record<number, string> = {
  404: "is not on WhatsApp: fix the manifest",
  408: "left the group recently; WhatsApp refuses to add them again yet (a later run retries)",
  419: "cannot be added: the group is full (1,024)",
};

/** `retried`: this answer is already the second ask, so silence is reported, not asked again. */
export function interpretAdds(outcomes: readonly AddOutcome[], retried = false): AddVerdict {
  const v: AddVerdict = { added: [], invite: [], askAgain: [], failed: [], unsure: [] };
  for (const o of outcomes) {
    if (o.code === 200 || o.code === 409) v.added.push(o.jid);
    else if (o.code === 403 || o.code === 417)
      v.invite.push({ jid: o.jid, engineSent: o.inviteSent === true });
    else if (o.code === 0 && !retried) v.askAgain.push(o.jid);
    else if (o.code === 0)
      v.unsure.push(`${o.jid}: the API did not say whether they were added; the next plan will tell`);
    else
      v.failed.push({
        jid: o.jid,
        note: `${o.jid} ${WHY[o.code] ?? `was not added (code ${o.code}${o.message ? `: ${o.message}` : ""})`}`,
      });
  }
  return v;
}
