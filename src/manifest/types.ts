export type Who = "all" | "admins";

export interface Settings {
  sendMessages: Who;
  editInfo: Who;
  addMembers: Who;
  approveJoins: boolean;
}

export const SETTING_KEYS = ["sendMessages", "editInfo", "addMembers", "approveJoins"] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** What a manifest's `ignore:` may name, as written; `settings` stands for all four settings. */
export const IGNORE_ENTRIES = [
  "subject",
  "description",
  "icon",
  "settings",
  ...SETTING_KEYS.map((k) => `settings.${k}` as const),
  "admins",
  "members",
  "labels",
] as const;
export type IgnoreEntry = (typeof IGNORE_ENTRIES)[number];
/** A field wagroups leaves alone in one group, after `settings` is expanded to its four keys. */
export type IgnoredField = Exclude<IgnoreEntry, "settings">;

/** True when the group's manifest hands `field` to humans: neither planned nor shown as drift. */
export function ignores(d: Pick<DesiredGroup, "ignore">, field: IgnoredField): boolean {
  return d.ignore.includes(field);
}

/**
 * A person as a manifest lists them: their international number's digits read as one number
 * (+1 415 555 0101 is 14155550101). E.164 numbers have at most 15 digits and no leading 0, so each
 * is exact in a float64 and prints back unchanged; `jidOf` makes the `<digits>@c.us` jid requests use.
 * Manifests never hold a privacy ID (`@lid`). Names for display are in `Desired.aliases`.
 */
export type Person = number;

/** A role's people in manifest order, one float64 each: 8 bytes a person, no object, no string. */
export type People = Float64Array;

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
  /** in manifest order; nobody twice, nobody in both roles, never the instance */
  admins: People;
  members: People;
  removeUnlisted: boolean;
  retired: boolean;
  farewell?: string;
  labels: string[];
  /** posted once in the group right after wagroups creates it */
  welcome?: string;
  /** sent 1:1 once to someone who leaves the group by themselves */
  goodbye?: string;
  /** normalized: deduplicated, `settings` expanded to `settings.<key>`, in IGNORE_ENTRIES order */
  ignore: IgnoredField[];
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
  invites: {
    fallback: boolean;
    message: string;
    cooldownDays: number;
    /** > 0: add directly only people who wrote to the instance within this many hours */
    warmupHours: number;
  };
  /** labels managed as code, by name; labels not named here are never touched */
  labels: Record<string, ManagedLabel>;
}

/** A managed label's colour: WhatsApp's palette index and its hex value (lower case, "#rrggbb"). */
export interface ManagedLabel {
  color: number;
  colorHex: string;
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
  invites: {
    fallback: true,
    message: "You are invited to join {subject}: {link}",
    cooldownDays: 7,
    warmupHours: 0,
  },
  labels: {},
};
