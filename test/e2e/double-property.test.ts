// The plan -> apply -> empty plan property, run through the built CLI against the independent NOWEB
// double (not the project's own sandbox): random fleets converge in one apply of exactly the minimum
// of writes, and the next plan with --detailed-exitcode is empty.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../helpers/cli.js";
import { type Double, type DoubleGroup, makePng, reencode, startDouble } from "../helpers/double.js";
import {
  fleetMinimum,
  type GroupSpec,
  p,
  SELF,
  type SettingsSpec,
  subjectOf,
  sw,
  total,
  type World,
  writeFleet,
} from "../helpers/double-fleet.js";

const PEOPLE = [1, 2, 3, 4, 5, 6, 7, 8].map(p);
const PRIVATE = [p(91), p(92)];
const WORDS = ["Alpha", "Harbour", "Cohort", "Clinic", "Roof"];
const ICONS = {
  "red.png": makePng(32, 32, (x, y) => [200 + ((x * y) % 50), 20, 20]),
  "blue.png": makePng(32, 32, (x) => [10, 30, 150 + x]),
};
const LABELS = [
  { id: "1", name: "vip", color: 5 },
  { id: "2", name: "agent-x", color: 1 },
];

const settings: fc.Arbitrary<SettingsSpec> = fc.record({
  sendMessages: fc.constantFrom("all", "admins"),
  editInfo: fc.constantFrom("all", "admins"),
  addMembers: fc.constantFrom("all", "admins"),
  approveJoins: fc.boolean(),
});

/** One group: its live state (or none: to create) and its manifest. */
const caseOf = (extended: boolean) =>
  fc.record({
    exists: fc.boolean(),
    liveTitle: fc.constantFrom(...WORDS),
    title: fc.constantFrom(...WORDS),
    liveDesc: fc.constantFrom("", "Old rules. Leave any time."),
    desc: fc.constantFrom("Rules. Leave any time.", "Old rules. Leave any time."),
    liveSettings: settings,
    settings,
    // each person: 0 absent/unlisted, 1 member, 2 admin (live and desired independently)
    live: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 8, maxLength: 8 }),
    want: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 8, maxLength: 8 }),
    privateMembers: fc.subarray(PRIVATE),
    icon: extended ? fc.constantFrom(undefined, "red.png", "blue.png") : fc.constant(undefined),
    liveIcon: extended ? fc.constantFrom(undefined, "red.png", "blue.png") : fc.constant(undefined),
    labels: extended ? fc.subarray(["vip"]) : fc.constant<string[]>([]),
    liveLabels: extended ? fc.subarray(["1", "2"]) : fc.constant<string[]>([]),
    retired: extended ? fc.boolean() : fc.constant(false),
  });

type Case = ReturnType<typeof caseOf> extends fc.Arbitrary<infer T> ? T : never;

function build(cases: Case[]) {
  const specs: GroupSpec[] = [];
  const groups: DoubleGroup[] = [];
  const world: World = {
    live: new Map(),
    privacy: new Set(PRIVATE),
    labels: LABELS,
    chatLabels: {},
    pictureOf: {},
  };
  const pictures: Record<string, Uint8Array> = {};
  cases.forEach((c, i) => {
    const serial = `PROP-${i + 1}`;
    const admins = PEOPLE.filter((_, k) => c.want[k] === 2);
    // WhatsApp needs a human admin (safety.minAdmins): the first person is one when none was drawn
    if (!admins.length) admins.push(PEOPLE[0]!);
    const members = PEOPLE.filter((_, k) => c.want[k] === 1 && !admins.includes(PEOPLE[k]!));
    const spec: GroupSpec = c.retired
      ? {
          serial,
          title: c.title,
          admins: [],
          members: [],
          retired: true,
          farewell: `Goodbye from ${serial}.`,
        }
      : {
          serial,
          title: c.title,
          description: c.desc,
          settings: c.settings,
          admins,
          members: [...members, ...c.privateMembers],
          ...(c.labels.length ? { labels: c.labels } : {}),
          ...(c.icon ? { icon: c.icon } : {}),
        };
    specs.push(spec);
    if (!c.exists && !c.retired) return;
    const id = `120363000000${String(100 + i).padStart(6, "0")}@g.us`;
    const g: DoubleGroup = {
      id,
      subject: subjectOf({ ...spec, title: c.liveTitle }),
      desc: c.liveDesc,
      owner: sw(SELF),
      creation: 1_700_000_000,
      announce: c.liveSettings.sendMessages === "admins",
      restrict: c.liveSettings.editInfo === "admins",
      memberAddMode: c.liveSettings.addMembers === "all",
      joinApprovalMode: c.liveSettings.approveJoins,
      participants: [
        { id: sw(SELF), admin: "superadmin" },
        ...PEOPLE.flatMap((d, k) =>
          c.live[k] ? [{ id: sw(d), admin: c.live[k] === 2 ? ("admin" as const) : null }] : [],
        ),
      ],
    };
    groups.push(g);
    world.live.set(serial, g);
    if (c.liveLabels.length) world.chatLabels[id] = c.liveLabels;
    if (c.liveIcon) {
      pictures[id] = reencode(ICONS[c.liveIcon as keyof typeof ICONS]);
      world.pictureOf[id] = c.liveIcon;
    }
  });
  return { specs, groups, world, pictures };
}

let double: Double | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

async function converges(cases: Case[]) {
  const { specs, groups, world, pictures } = build(cases);
  double = await startDouble({
    self: SELF,
    groups,
    privacy: PRIVATE,
    labels: LABELS,
    chatLabels: world.chatLabels,
    pictures,
    pageCap: 2,
  });
  const dir = writeFleet(specs, ICONS);
  const plan = await run(["plan", "--dir", dir, "--detailed-exitcode"], { env: double.env });
  expect([0, 2], plan.stderr).toContain(plan.code);
  expect(double.writes).toEqual([]);
  // --force: random fleets remove more than a quarter of some groups, which is what they are for
  const apply = await run(["apply", "--dir", dir, "--auto-approve", "--force"], { env: double.env });
  const minimum = fleetMinimum(specs, world);
  const sent = double.writes.map((w) => `${w.method} ${decodeURIComponent(w.path)} ${w.status}`);
  expect(sent.length, `minimum ${JSON.stringify(minimum)}\nsent ${JSON.stringify(sent, null, 1)}`).toBe(
    total(minimum),
  );
  expect(apply.code, apply.stderr).toBe(0);
  const again = await run(["plan", "--dir", dir, "--detailed-exitcode"], { env: double.env });
  expect(again.code, again.stdout).toBe(0);
  await double.close();
  double = undefined;
}

describe("plan -> apply -> empty plan against the independent NOWEB double", { timeout: 240_000 }, () => {
  it("random fleets of subjects, descriptions, settings, admins, members and privacy-restricted people", async () => {
    await fc.assert(fc.asyncProperty(fc.array(caseOf(false), { minLength: 1, maxLength: 3 }), converges), {
      numRuns: 15,
      seed: 1010,
      endOnFailure: true,
    });
  });

  it("random fleets that also carry icons the engine re-encodes, labels set by others, and retirements", async () => {
    await fc.assert(fc.asyncProperty(fc.array(caseOf(true), { minLength: 1, maxLength: 3 }), converges), {
      numRuns: 10,
      seed: 1011,
      endOnFailure: true,
    });
  });
});
