// `wagroups sandbox drift`: someone changes the live groups behind the manifests' back, the way
// people do (a renamed subject, a member who left, a setting flipped), so the tour can show a
// scheduled plan catching it.
import { seededRandom } from "./faults.js";
import type { SandboxState } from "./state.js";

export function drift(state: SandboxState, seed: number, count = 3): string[] {
  const random = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  // groups the instance still manages, carrying a serial
  const ours = state.groups.filter(
    (g) => / \| /.test(g.subject) && g.participants.some((p) => p.jid === state.self && p.role !== "member"),
  );
  const done: string[] = [];
  for (let i = 0; i < count && ours.length; i++) {
    const g = pick(ours);
    const kind = pick(["subject", "member", "setting", "description"] as const);
    if (kind === "subject") {
      g.subject = `${g.subject.split(" | ")[0]} | Renamed in the app`;
      done.push(`${g.id}: subject changed to "${g.subject}"`);
    } else if (kind === "member") {
      const members = g.participants.filter((p) => p.role === "member" && !p.lid);
      if (!members.length) continue;
      const gone = pick(members);
      g.participants = g.participants.filter((p) => p !== gone);
      done.push(`${g.id}: ${gone.jid.split("@")[0]} left the group`);
    } else if (kind === "setting") {
      g.announce = !g.announce;
      done.push(`${g.id}: only admins can send messages: ${g.announce}`);
    } else {
      g.description = `${g.description}\nEdited by a member.`;
      done.push(`${g.id}: description edited`);
    }
  }
  return done;
}
