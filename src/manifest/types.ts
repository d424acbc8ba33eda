export type Who = "all" | "admins";

export interface Settings {
  sendMessages: Who;
  editInfo: Who;
  addMembers: Who;
  approveJoins: boolean;
}

export const SETTING_KEYS = ["sendMessages", "editInfo", "addMembers", "approveJoins"] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** A person as the reconciler knows them: always `<digits>@c.us`. */
export interface Person {
  jid: string;
  alias?: string;
}

export interface Icon {
  /** path as written in the manifest (relative to it) */
  path: string;
  /** absolute path on disk */
  absPath: string;
  sha256: string;
  mimetype: "image/png" | "image/jpeg";
  size: number;
}

export interface DesiredGroup {
  serial: string;
  /** the subject as written in the manifest */
  title: string;
  /** the live subject: subjectFormat rendered */
  subject: string;
  description?: string;
  icon?: Icon;
  id?: string;
  settings: Settings;
  admins: Person[];
  members: Person[];
  removeUnlisted: boolean;
  retired: boolean;
  farewell?: string;
  labels: string[];
  /** manifest path relative to the working directory, for messages */
  file: string;
}

export interface Config {
  /** the instance's own jid, when known */
  self?: string;
  subjectFormat: string;
  serialPattern: string;
  defaults: { settings: Settings; removeUnlisted: boolean };
  limits: { createsPerHour: number; requestsPerMinute: number; concurrency: number };
  safety: { maxRemovalRatio: number; minAdmins: number };
  policy: { descriptionMustMatch?: string };
  invites: { fallback: boolean; message: string; cooldownDays: number };
}

export interface Desired {
  config: Config;
  groups: DesiredGroup[];
  /** jid -> alias, for showing people by name */
  aliases: Record<string, string>;
}

export const DEFAULT_CONFIG: Config = {
  subjectFormat: "{serial} | {subject}",
  serialPattern: "^[A-Z][A-Z0-9]*-[0-9]+$",
  defaults: {
    settings: { sendMessages: "all", editInfo: "admins", addMembers: "admins", approveJoins: false },
    removeUnlisted: true,
  },
  limits: { createsPerHour: 6, requestsPerMinute: 30, concurrency: 4 },
  safety: { maxRemovalRatio: 0.25, minAdmins: 1 },
  policy: {},
  invites: { fallback: true, message: "You are invited to join {subject}: {link}", cooldownDays: 7 },
};
