// The executor's small steps: one message posted once, an icon file checked against its plan, how a
// new group started, and how a server's refusals and missing routes are reported.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ApiError } from "../errors.js";
import { sentText } from "../live/recognise.js";
import type { AddOutcome, LiveReader, Mutator } from "../live/types.js";
import { SETTING_KEYS, type Settings } from "../manifest/types.js";
import type { Change } from "../plan/change.js";
import { isUnsupported, optional } from "../wawp/errors.js";
import type { GroupResult } from "./execute.js";
import { sendOnce } from "./invites.js";

/** A route this server does not have ends that step with a note, not a failure. */
export async function unsupported(r: GroupResult, note: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!isUnsupported(e)) throw e;
    r.notes.push(note);
  }
}

/** People the engine refused in a remove, promote or demote, reported; true when anyone was. */
export function refusedBy(r: GroupResult, verb: string, outcomes: readonly AddOutcome[]): boolean {
  // code 0: the answer did not say (an engine without per-person results); the next plan reads the group
  const refused = outcomes.filter((o) => o.code !== 200 && o.code !== 0);
  for (const o of refused)
    r.notes.push(`${o.jid} was not ${verb} (code ${o.code}${o.message ? `: ${o.message}` : ""})`);
  return refused.length > 0;
}

/** How a new group started: its settings and who is in it, from one read each (what can be read). */
export async function startedAs(
  reader: LiveReader,
  id: string,
  c: Extract<Change, { kind: "create" }>,
): Promise<{ settings: Partial<Settings>; present?: Set<string> }> {
  const settings: Partial<Settings> = {};
  for (const key of SETTING_KEYS) {
    try {
      (settings as Record<string, unknown>)[key] = await reader.getSetting(id, key);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e; // unreadable here: the planned change stands
    }
  }
  if (!c.participants.length) return { settings };
  const read = await optional(reader.readParticipants(id), () => undefined);
  return { settings, ...(read ? { present: new Set(read.participants.map((p) => p.jid)) } : {}) };
}

export function deferred(r: GroupResult, retryAt: number, note: string): GroupResult {
  r.status = "deferred";
  r.retryAt = retryAt;
  r.notes.push(note);
  return r;
}

export async function tolerate(statuses: number[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof ApiError) || !statuses.includes(e.status)) throw e;
  }
}

/** A message in a group that must be there exactly once (welcome, farewell). */
export async function postOnce(
  groupId: string,
  message: string,
  reader: LiveReader,
  m: Mutator,
): Promise<void> {
  const query = { limit: 50, fromMe: true };
  const sent = async () =>
    sentText((await optional(reader.recentMessages(groupId, query), () => undefined)) ?? [], message);
  // a last look right before sending: another run may have posted it since the plan was read
  if (await sent()) return;
  await sendOnce(() => m.sendText(groupId, message), sent);
}

/** The icon file the plan names, refused when it is no longer the file the plan was made from. */
export function iconFile(
  c: Extract<Change, { kind: "setIcon" }>,
  readFile: (file: string) => Uint8Array = (f) => readFileSync(f),
) {
  let bytes: Uint8Array;
  try {
    bytes = readFile(c.file);
  } catch {
    throw new Error(`icon ${c.path} cannot be read (${c.file})`);
  }
  if (createHash("sha256").update(bytes).digest("hex") !== c.to)
    throw new Error(`icon ${c.path} changed since the plan was made`);
  const data = Buffer.from(bytes).toString("base64");
  return { data, mimetype: c.mimetype, filename: c.path.split("/").pop() ?? "icon" };
}
