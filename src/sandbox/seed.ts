// The sandbox's starting state: a realistic live fleet that has drifted from the example manifests in
// groups/, so a new user's first `wagroups plan` shows every kind of change.
import type { SandboxState, SbGroup, SbParticipant } from "./state.js";

const c = (digits: string) => `${digits}@c.us`;
const SELF = c("14155550100");
const member = (d: string): SbParticipant => ({ jid: c(d), role: "member" });
const admin = (d: string): SbParticipant => ({ jid: c(d), role: "admin" });
const me: SbParticipant = { jid: SELF, role: "superadmin" };
const day = 86_400;
const T0 = 1_767_225_600; // 2026-01-01

// a 1x1 PNG: the old picture some groups still carry
const OLD_PICTURE =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYPgPAAEDAQAIicLsAAAAAElFTkSuQmCC";
const OLD_PICTURE_SHA = "fce481932ea5d07a91c7991c09fdadb4bf78f9b4cc8f927188384231f9d12679";

function g(partial: Partial<SbGroup> & Pick<SbGroup, "id" | "subject" | "participants">): SbGroup {
  return {
    description: "",
    owner: SELF,
    creation: T0,
    announce: false,
    restrict: true,
    memberAddAll: false,
    approval: false,
    inviteCode: `seed${partial.id.slice(7, 18)}`,
    labels: [],
    ...partial,
  };
}

// people of the example fleet who wrote to the business lately, so invites.warmupHours adds them; the
// cohort's +1 415 555 0145 never wrote: the plan invites them instead (the warm-up, shown)
const WARM = [
  "14155550107",
  "14155550140",
  "14155550141",
  "14155550142",
  "14155550143",
  "14155550144",
  "442079460958",
  "4930901820",
  "14155550108",
  "14155550180",
  "14155550182",
  "14155550183",
  "14155550199",
  "14155550181",
  "14155550123",
];

/** A message the person sent a few hours before the sandbox was made (seeded relative to now). */
function wroteLately(digits: string, now: number) {
  return [
    { id: `seed-in-${digits}`, timestamp: now - 3 * 3600, fromMe: false, body: "Hi, is there an update?" },
  ];
}

export function seedState(now = Math.floor(Date.now() / 1000)): SandboxState {
  // a fresh copy every time: the participants below are shared objects, and sandboxes mutate state
  return structuredClone<SandboxState>({
    version: 1,
    self: SELF,
    engine: "wawp",
    counter: 100,
    inviteV4: false,
    privacyRestricted: [c("14155550199")],
    notOnWhatsApp: [],
    labels: [
      { id: "1", name: "vip", color: 1 },
      { id: "2", name: "new customer", color: 2 },
    ],
    files: { [OLD_PICTURE_SHA]: { mimetype: "image/png", data: OLD_PICTURE } },
    messages: {
      // the farewell of a group retired earlier, so the history looks lived-in
      "14155550101@c.us": [
        { id: "seed-1", timestamp: T0 + 3 * day, fromMe: true, body: "Welcome aboard, Dana!" },
        ...wroteLately("14155550101", now),
      ],
      ...Object.fromEntries(WARM.map((d) => [c(d), wroteLately(d, now)])),
    },
    groups: [
      // drifted: old subject and description, Marco not yet admin, a contractor who left the job,
      // the HVAC contractor missing, someone only known by a privacy ID, and an old picture
      g({
        id: "120363025550000001@g.us",
        subject: "PM-1042 | Maple Ct Maintenance",
        description: "Maple Court maintenance. Emergencies: call the office.",
        creation: T0 + 10 * day,
        picture: OLD_PICTURE_SHA,
        participants: [
          me,
          admin("14155550103"),
          member("14155550104"),
          member("14155550120"),
          member("14155550121"),
          member("14155550122"),
          member("14155550125"), // former roofing contractor
          { jid: c("14155550126"), role: "member", lid: "218349920563321@lid", hidePn: true },
        ],
      }),
      // in sync
      g({
        id: "120363025550000002@g.us",
        subject: "PM-1043 | Oak Street Lofts Maintenance",
        description:
          "Oak Street Lofts maintenance requests and contractor scheduling.\nYou can leave this group at any time.",
        creation: T0 + 12 * day,
        participants: [me, admin("14155550103"), member("14155550122"), member("14155550124")],
      }),
      // announcement mode left on by mistake, approval off, no picture, no label yet
      g({
        id: "120363025550000003@g.us",
        subject: "VIP-789 | Whitfield Family Office",
        description:
          "Your private banking team at Harbor Bank. Dana is your account manager;\nAlex covers when Dana is away. Reply #STATUS for an update on open requests.\nNever share passwords or one-time codes here.\nYou can leave this group at any time.",
        creation: T0 + 20 * day,
        announce: true,
        participants: [
          me,
          admin("14155550101"),
          admin("14155550102"),
          member("14155550130"),
          member("14155550131"),
          member("14155550132"),
        ],
      }),
      // the newest patient's privacy settings refuse adds: the plan adds, apply falls back to an invite
      g({
        id: "120363025550000004@g.us",
        subject: "CARE-311 | Knee Replacement Recovery, Ward 3",
        description:
          "Post-operative recovery group for knee replacement patients of Ward 3.\nPhysiotherapy videos are pinned. For pain or swelling that worries you,\ncall the ward (+1 415 555 0160) rather than waiting for a reply here.\nYou can leave this group at any time.",
        creation: T0 + 30 * day,
        approval: true,
        participants: [
          me,
          admin("14155550105"),
          admin("14155550106"),
          member("14155550170"),
          member("14155550171"),
          member("14155550172"),
        ],
      }),
      // created by the client's project manager, who is not in the manifest: never removed
      g({
        id: "120363025550000005@g.us",
        subject: "PROJ-101 | Riverside Clinic Website",
        description: "Redesign of riversideclinic.example: weekly demo Thursdays 15:00.",
        owner: c("12125550111"),
        creation: T0 + 40 * day,
        participants: [
          { jid: c("12125550111"), role: "superadmin" },
          admin("14155550100"),
          admin("14155550108"),
          member("12125550110"),
          member("14155550180"),
          member("12125550112"), // the client's intern, added by the client
        ],
      }),
      // to be retired
      g({
        id: "120363025550000006@g.us",
        subject: "EVT-2025 | Summer Open House 2025",
        description: "Summer Open House, 14 June 2025. You can leave this group at any time.",
        creation: T0 - 200 * day,
        participants: [
          me,
          admin("14155550103"),
          member("14155550190"),
          member("14155550191"),
          member("14155550192"),
        ],
      }),
      // an orphan: ours, with a serial, but no manifest declares it
      g({
        id: "120363025550000007@g.us",
        subject: "VIP-790 | Harrow Estate Planning",
        description: "Estate planning with Harbor Bank. You can leave this group at any time.",
        creation: T0 + 50 * day,
        participants: [me, admin("14155550101"), member("14155550133")],
      }),
      // ours but never declared and without a serial: what `wagroups import` adopts
      g({
        id: "120363025550000009@g.us",
        subject: "Maple Court Residents' Board",
        description: "Liaison with the residents' board. You can leave this group at any time.",
        creation: T0 + 60 * day,
        participants: [me, admin("14155550103"), member("14155550150"), member("14155550151")],
      }),
      // not ours: no serial, created by someone else
      g({
        id: "120363025550000008@g.us",
        subject: "Office Friday Lunch",
        owner: c("14155550102"),
        restrict: false,
        memberAddAll: true,
        creation: T0 + 5 * day,
        participants: [
          { jid: c("14155550102"), role: "superadmin" },
          member("14155550100"),
          member("14155550103"),
        ],
      }),
    ],
  });
}
