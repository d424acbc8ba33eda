// The closed set of changes a plan is made of, in the order apply performs them.
import type { SettingKey, Settings } from "../manifest/types.js";

export type Change =
  | { kind: "create"; subject: string; participants: string[] }
  | { kind: "setSubject"; from?: string; to: string }
  | { kind: "setDescription"; from?: string; to: string }
  | { kind: "setIcon"; from: string | null; to: string; path: string; mimetype: string }
  | { kind: "setSetting"; setting: SettingKey; from?: Settings[SettingKey]; to: Settings[SettingKey] }
  | { kind: "removeParticipants"; participants: string[] }
  | { kind: "addParticipants"; participants: string[] }
  | { kind: "promote"; participants: string[] }
  | { kind: "demote"; participants: string[] }
  | { kind: "sendInvites"; participants: string[] }
  | { kind: "addLabels"; labels: string[] }
  | { kind: "farewell"; message: string }
  | { kind: "leave" }
  | { kind: "delete" };

export type ChangeKind = Change["kind"];

export type Action = "create" | "update" | "retire" | "none";

export interface GroupPlan {
  serial: string;
  /** manifest it came from */
  file?: string;
  groupId?: string;
  /** the live subject, for showing */
  subject: string;
  action: Action;
  changes: Change[];
  /** people invited within the cooldown who have not joined yet */
  pending: string[];
  /** fingerprint of the live state this plan was computed from */
  fingerprint?: string;
  /** why nothing can be done for this group (an error the user must fix) */
  blocked?: string;
  /** why apply must refuse this group without --force */
  unsafe?: string[];
}

export interface Warning {
  code: string;
  serial?: string;
  message: string;
}

export interface Plan {
  formatVersion: 1;
  groups: GroupPlan[];
  warnings: Warning[];
  /** fleet-wide reasons to refuse without --force */
  unsafe: string[];
  /** jid -> alias, so renderers can show names */
  aliases: Record<string, string>;
  /** set by the command, not the planner */
  createdAt?: string;
  /** the directory the manifests came from */
  dir?: string;
  /** the instance this plan was computed for (never a secret) */
  target?: string;
}

/** Apply order; removals move before adds only when the group is near its cap. */
export const CHANGE_ORDER: ChangeKind[] = [
  "create",
  "setSubject",
  "setDescription",
  "setIcon",
  "setSetting",
  "addParticipants",
  "promote",
  "demote",
  "removeParticipants",
  "sendInvites",
  "addLabels",
  "farewell",
  "leave",
  "delete",
];

export function hasChanges(plan: Plan): boolean {
  return plan.groups.some((g) => g.changes.length > 0);
}

export interface PlanCounts {
  create: number;
  update: number;
  retire: number;
  add: number;
  remove: number;
}

export function countPlan(plan: Plan): PlanCounts {
  const c: PlanCounts = { create: 0, update: 0, retire: 0, add: 0, remove: 0 };
  for (const g of plan.groups) {
    if (g.action !== "none" && g.changes.length) c[g.action]++;
    for (const ch of g.changes) {
      if (ch.kind === "addParticipants" || ch.kind === "sendInvites") c.add += ch.participants.length;
      if (ch.kind === "create") c.add += ch.participants.length;
      if (ch.kind === "removeParticipants") c.remove += ch.participants.length;
    }
  }
  return c;
}
