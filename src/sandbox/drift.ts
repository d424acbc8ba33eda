// `wagroups sandbox drift`: someone changes the live groups behind the manifests' back, the way people
// do (a renamed subject, a member who left, a setting flipped), so the tour can show a scheduled plan
// catching it. Every change lands where a plan sees it: on a group a manifest owns, touching something the
// manifest declares, set against the manifest rather than flipped (a flip could undo pending drift).
import { seededRandom } from "./faults.js";
import type { SandboxState, SbGroup } from "./state.js";

/** A live group a plan owns, and what its manifest declares (the caller knows the manifests). */
export interface DriftTarget {
  serial: string;
  /** the live group's ID */
  id: string;
  /** the live subject a rename in the app would give it, still carrying the serial */
  renamed: string;
  /** people the manifest lists (`<digits>@c.us`) */
  listed: string[];
  /** the manifest's sendMessages: drift sets the opposite */
  sendMessages: "all" | "admins";
  /** the manifest declares a description (an edit to an undeclared one is nobody's drift) */
  describes: boolean;
}

const DRIFT_KINDS = ["subject", "member", "setting", "description"] as const;
type DriftKind = (typeof DRIFT_KINDS)[number];

export interface Drifted {
  serial: string;
  kind: DriftKind;
  /** what happened, naming the group by serial */
  line: string;
}

/** `count` changes, one kind after another (subject, member, setting, description, …), each on a group of its own while any is left. */
export function drift(state: SandboxState, targets: DriftTarget[], seed: number, count = 3): Drifted[] {
  const random = seededRandom(seed);
  const byId = new Map(state.groups.map((g) => [g.id, g]));
  const pool = shuffle(
    targets.filter((t) => byId.has(t.id)),
    random,
  );
  const used = new Set<string>();
  const done: Drifted[] = [];
  for (let i = 0; i < count; i++) {
    const kind = DRIFT_KINDS[i % DRIFT_KINDS.length]!;
    const fits = pool.filter((t) => applies(kind, t, byId.get(t.id)!, state.self));
    const t = fits.find((x) => !used.has(x.serial)) ?? fits[0];
    if (!t) continue;
    used.add(t.serial);
    done.push({ serial: t.serial, kind, line: apply(kind, t, byId.get(t.id)!, state.self, random) });
  }
  return done;
}

/** Someone the manifest lists who is in the group and could leave by themselves (not the creator, not us). */
const leavers = (t: DriftTarget, g: SbGroup, self: string) =>
  g.participants.filter((p) => !p.lid && p.jid !== self && p.jid !== g.owner && t.listed.includes(p.jid));

function applies(kind: DriftKind, t: DriftTarget, g: SbGroup, self: string): boolean {
  if (kind === "member") return leavers(t, g, self).length > 0;
  if (kind === "subject") return g.subject !== t.renamed;
  if (kind === "description") return t.describes;
  return true;
}

function apply(kind: DriftKind, t: DriftTarget, g: SbGroup, self: string, random: () => number): string {
  g.activity = Date.now();
  switch (kind) {
    case "subject":
      g.subject = t.renamed;
      return `${t.serial}: subject renamed in the app to "${g.subject}"`;
    case "member": {
      const all = leavers(t, g, self);
      // a plain member leaves if one can; an admin otherwise
      const members = all.filter((p) => p.role === "member");
      const pool = members.length ? members : all;
      const gone = pool[Math.floor(random() * pool.length)]!;
      g.participants = g.participants.filter((p) => p !== gone);
      return `${t.serial}: +${gone.jid.split("@")[0]} left the group`;
    }
    case "setting":
      // the opposite of the manifest, whatever the group had: a flip could put back a pending change
      g.announce = t.sendMessages === "all";
      return `${t.serial}: sendMessages set to ${g.announce ? "admins" : "all"} (the manifest says ${t.sendMessages})`;
    case "description":
      g.description = `${g.description}\nEdited by a member.`;
      return `${t.serial}: description edited by a member`;
  }
}

function shuffle<T>(xs: T[], random: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
