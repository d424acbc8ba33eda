// Builds a synthetic fleet for the benchmarks: manifests on disk and a matching sandbox state file.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";

// Valid US numbers, 8 million per area code (exchanges 200-999): +1 646 …, then +1 212 …, so a
// fleet of 10,000 groups x 1,024 people has every person distinct (the worst case for memory).
const AREAS = ["646", "212", "718"];
const PER_AREA = 8_000_000;
const parts = (k) => {
  const area = AREAS[Math.floor(k / PER_AREA)];
  if (!area) throw new Error(`the benchmark fleet has numbers for ${AREAS.length * PER_AREA} people`);
  const r = k % PER_AREA;
  return [area, String(200 + Math.floor(r / 10000)), String(r % 10000).padStart(4, "0")];
};
/** A valid US number per index, as a manifest writes it, and its jid. */
export const phone = (k) => `+1 ${parts(k).join(" ")}`;
export const jid = (k) => `1${parts(k).join("")}@c.us`;
export const SELF = "14155550100@c.us";

/**
 * groups x members (people per manifest: one admin, the rest members; the instance makes one more
 * participant); `drift` of the groups differ from their manifests (the subject, and with
 * `driftMembers` a member missing), `missing` groups do not exist yet. The state file is written a
 * group at a time: at 10 million memberships it is larger than one string may be.
 */
export function makeFleet(dir, { groups, members, drift = 0, driftMembers = true, missing = 0, rpm = 30 }) {
  const gdir = path.join(dir, "groups");
  mkdirSync(gdir, { recursive: true });
  writeFileSync(
    path.join(gdir, "wagroups.yaml"),
    `self: "+1 415 555 0100"\nlimits: { requestsPerMinute: ${rpm}, createsPerHour: 100, concurrency: 4 }\npolicy: { descriptionMustMatch: "(?i)leave" }\n`,
  );
  const stateFile = path.join(dir, "state.json");
  const fd = openSync(stateFile, "w");
  writeSync(fd, `{"version":1,"self":"${SELF}","engine":"noweb","groups":[`);
  let k = 0;
  let first = true;
  for (let g = 0; g < groups; g++) {
    const serial = `BEN-${g + 1}`;
    const people = Array.from({ length: members }, () => k++);
    const sub = path.join(gdir, `batch-${Math.floor(g / 100)}`);
    if (g % 100 === 0) mkdirSync(sub, { recursive: true });
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
    const group = {
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
    };
    writeSync(fd, `${first ? "" : ","}${JSON.stringify(group)}`);
    first = false;
  }
  writeSync(
    fd,
    '],"privacyRestricted":[],"notOnWhatsApp":[],"inviteV4":false,"messages":{},"labels":[],"files":{},"counter":10000000}',
  );
  closeSync(fd);
  return { groupsDir: gdir, stateFile };
}
