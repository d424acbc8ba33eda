// Builds a synthetic fleet for the benchmarks: manifests on disk and a matching sandbox state file.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** A valid US number per index: +1 646 2XX XXXX. */
export const phone = (k) => `+1 646 ${200 + Math.floor(k / 10000)} ${String(k % 10000).padStart(4, "0")}`;
export const jid = (k) => `1646${200 + Math.floor(k / 10000)}${String(k % 10000).padStart(4, "0")}@c.us`;
export const SELF = "14155550100@c.us";

/**
 * groups x members; `drift` of the groups differ from their manifests (the subject, and with
 * `driftMembers` a member missing), `missing` groups do not exist yet.
 */
export function makeFleet(dir, { groups, members, drift = 0, driftMembers = true, missing = 0, rpm = 30 }) {
  const gdir = path.join(dir, "groups");
  mkdirSync(gdir, { recursive: true });
  writeFileSync(
    path.join(gdir, "wagroups.yaml"),
    `self: "+1 415 555 0100"\nlimits: { requestsPerMinute: ${rpm}, createsPerHour: 100, concurrency: 4 }\npolicy: { descriptionMustMatch: "(?i)leave" }\n`,
  );
  const state = {
    version: 1,
    self: SELF,
    engine: "noweb",
    groups: [],
    privacyRestricted: [],
    notOnWhatsApp: [],
    inviteV4: false,
    messages: {},
    labels: [],
    files: {},
    counter: 10_000_000,
  };
  let k = 0;
  for (let g = 0; g < groups; g++) {
    const serial = `BEN-${g + 1}`;
    const people = Array.from({ length: members }, () => k++);
    const sub = path.join(gdir, `batch-${Math.floor(g / 100)}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(
      path.join(sub, `${serial}.yaml`),
      [
        "# yaml-language-server: $schema=../../schemas/group.schema.json",
        `serial: ${serial}`,
        `subject: Customer group ${g + 1}`,
        "description: |",
        `  Support group for customer ${g + 1}. Replies within one business day.`,
        "  You can leave this group at any time.",
        "settings: { sendMessages: all }",
        "admins:",
        `  - "${phone(people[0])}"`,
        "members:",
        ...people.slice(1).map((p) => `  - "${phone(p)}"`),
        "",
      ].join("\n"),
    );
    if (g >= groups - missing) continue;
    const drifted = g < drift;
    const participants = [
      { jid: SELF, role: "superadmin" },
      { jid: jid(people[0]), role: "admin" },
    ];
    for (const p of people.slice(1, drifted && driftMembers ? -1 : undefined))
      participants.push({ jid: jid(p), role: "member" });
    state.groups.push({
      id: `1203630${String(g + 1).padStart(11, "0")}@g.us`,
      subject: drifted ? `${serial} | Old name ${g + 1}` : `${serial} | Customer group ${g + 1}`,
      description: `Support group for customer ${g + 1}. Replies within one business day.\nYou can leave this group at any time.`,
      owner: SELF,
      creation: 1_700_000_000,
      announce: false,
      restrict: true,
      memberAddAll: false,
      approval: false,
      participants,
      inviteCode: `bench${g}`,
      labels: [],
    });
  }
  const stateFile = path.join(dir, "state.json");
  writeFileSync(stateFile, JSON.stringify(state));
  return { groupsDir: gdir, stateFile };
}
