// The closed set of changes a plan is made of, in the order apply performs them, and the Plan: everything
// apply needs to carry them out, so a saved plan is executed as saved.
import type { Config, IgnoredField, SettingKey, Settings } from "../manifest/types.js";

export type Change =
  | {
      kind: "create";
      subject: string;
      participants: string[];
      /** what the manifest declares: engines differ in how a new group starts, so apply reads and corrects it */
      settings: Settings;
    }
  | { kind: "setSubject"; from?: string; to: string }
  | { kind: "setDescription"; from?: string; to: string }
  | {
      kind: "setIcon";
      from: string | null;
      /** SHA-256 of the icon file; apply refuses a file that no longer has it */
      to: string;
      /** as the manifest names it, for showing */
      path: string;
      /** the file to upload, relative to the working directory the plan was made in */
      file: string;
      mimetype: string;
    }
  | { kind: "setSetting"; setting: SettingKey; from?: Settings[SettingKey]; to: Settings[SettingKey] }
  | { kind: "removeParticipants"; participants: string[] }
  | { kind: "addParticipants"; participants: string[] }
  | { kind: "promote"; participants: string[] }
  | { kind: "demote"; participants: string[] }
  /** the invite link 1:1; `warmup`: those invited because they have not written within invites.warmupHours */
  | { kind: "sendInvites"; participants: string[]; warmup?: string[] }
  /**
   * The chat's labels: `add` and `remove` by name (managed labels the manifest does not declare are
   * removed; labels nobody manages always stay). `ids` names the labels that exist already; a managed
   * label this plan creates gets its id when apply creates it.
   */
  | { kind: "setLabels"; add: string[]; remove: string[]; ids: Record<string, string> }
  /** posted once in the group wagroups created, after its settings and participants */
  | { kind: "welcome"; message: string }
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
  /** fields the manifest hands to humans (`ignore:`): neither planned nor shown as drift */
  ignored?: IgnoredField[];
}

/** Managed labels (config `labels`), account-wide: created with their colour, their colour corrected. */
export type LabelChange =
  | { kind: "createLabel"; name: string; color: number; colorHex: string }
  | { kind: "setLabelColor"; name: string; id: string; from?: number; to: number; colorHex: string };

export interface Warning {
  code: string;
  serial?: string;
  message: string;
}

/** What apply needs of the configuration and the live fleet, carried in the plan. */
export interface PlanContext {
  /** the instance's own number (`<digits>@c.us`), when known */
  self?: string;
  subjectFormat: string;
  serialPattern: string;
  limits: Config["limits"];
  invites: Config["invites"];
  /** Unix seconds of the instance's group creations in the hour before the plan: the creation budget */
  recentCreations: number[];
}

export interface Plan {
  formatVersion: 2;
  /** account-wide label changes, applied before the groups */
  labels?: LabelChange[];
  groups: GroupPlan[];
  warnings: Warning[];
  /** reasons to refuse without --force (the groups' and the fleet's); recomputed when a saved plan is applied */
  unsafe: string[];
  context: PlanContext;
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
  "welcome",
  "setLabels",
  "farewell",
  "leave",
  "delete",
];

/** What every renderer says after "No changes." */
export const MATCHES = "The live groups match the manifests.";

/** For an exhaustive switch: a new change kind that is not handled is a compile error. */
export function assertNever(x: never): never {
  throw new Error(`unhandled change: ${JSON.stringify(x)}`);
}

export function hasChanges(plan: Pick<Plan, "groups" | "labels">): boolean {
  return (plan.labels?.length ?? 0) > 0 || plan.groups.some((g) => g.changes.length > 0);
}

export interface PlanCounts {
  create: number;
  update: number;
  retire: number;
  add: number;
  remove: number;
}

export function countPlan(plan: Pick<Plan, "groups">): PlanCounts {
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
