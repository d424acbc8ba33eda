// The streaming plan (a listing page at a time) against today's planFleet (the whole listing, then the
// plan): on random fleets their rendered plans are the same, byte for byte. Pages of 1–5 groups put
// duplicates, pins, shadowed carriers and orphans on different pages.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Desired, DesiredGroup } from "../../../src/manifest/types.js";
import { renderJson } from "../../../src/plan/render/json.js";
import { planFleet, planStreaming } from "../../../src/reconcile/pipeline.js";
import { NO_FAULTS } from "../../../src/sandbox/faults.js";
import { Sandbox } from "../../../src/sandbox/sandbox.js";
import { ENGINES, type SbGroup, type SbMessage, type SbParticipant } from "../../../src/sandbox/state.js";
import { inProcessTransport } from "../../../src/sandbox/transport.js";
import { WawpClient } from "../../../src/wawp/client.js";
import { config, group, n, people, SELF, sbGroup, sbState } from "../../helpers/fleet.js";

const NOW = 1_800_000_000;
const SERIALS = ["A-1", "A-2", "A-3", "B-1", "B-2", "C-7"];
const PEOPLE = [1, 2, 3, 4, 5, 6];
const id = (i: number) => `1203630000000000${String(i).padStart(2, "0")}@g.us`;

const liveGroup = fc.record({
  // which serial the subject carries (an index past SERIALS: an unrelated chat), and how it is written
  serial: fc.integer({ min: 0, max: SERIALS.length }),
  folded: fc.boolean(),
  title: fc.constantFrom("Alpha", "Old name"),
  ours: fc.boolean(),
  recent: fc.boolean(),
  people: fc.array(fc.constantFrom("absent", "member", "admin"), {
    minLength: PEOPLE.length,
    maxLength: PEOPLE.length,
  }),
  lid: fc.boolean(),
  restrict: fc.boolean(),
});

const manifest = fc.record({
  declared: fc.boolean(),
  // a pin to a listed group (by index), to one that is not listed, or none
  pin: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
  retired: fc.boolean(),
  welcome: fc.boolean(),
  people: fc.array(fc.constantFrom("absent", "member", "admin"), {
    minLength: PEOPLE.length,
    maxLength: PEOPLE.length,
  }),
  removeUnlisted: fc.boolean(),
});

const fleet = fc.record({
  live: fc.array(liveGroup, { maxLength: 12 }),
  manifests: fc.array(manifest, { minLength: SERIALS.length, maxLength: SERIALS.length }),
  pageSize: fc.integer({ min: 1, max: 5 }),
  engine: fc.constantFrom(...ENGINES),
  targets: fc.subarray([...SERIALS, "Z-9"], { maxLength: 2 }),
  shard: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
  warmup: fc.boolean(),
  createsPerHour: fc.integer({ min: 0, max: 3 }),
  maxRemovalRatio: fc.constantFrom(0.1, 0.5),
  // whether the instance's number is known, or inferred from every group (the whole listing is read)
  selfKnown: fc.constantFrom(true, true, true, false),
  // who wrote to the instance lately (warm-up)
  wrote: fc.subarray(PEOPLE),
});

type Fleet = typeof fleet extends fc.Arbitrary<infer T> ? T : never;

function participants(roles: readonly string[], lid: boolean): SbParticipant[] {
  const out: SbParticipant[] = [];
  roles.forEach((r, i) => {
    if (r === "absent") return;
    const jid = n(PEOPLE[i]!);
    out.push({ jid, role: r as "member" | "admin", ...(lid && i % 2 ? { lid: `9${i}77000${i}@lid` } : {}) });
  });
  return out;
}

function build(f: Fleet) {
  const groups: SbGroup[] = f.live.map((l, i) => {
    const serial = SERIALS[l.serial];
    // a non-breaking hyphen: matched only after folding look-alikes
    const shown = serial && l.folded ? serial.replace("-", "\u2011") : serial;
    return sbGroup({
      id: id(i),
      subject: shown ? `${shown} | ${l.title}` : `Family chat ${i}`,
      owner: l.ours ? SELF : n(9),
      creation: l.recent ? NOW - 600 : NOW - 86_400 * 30,
      restrict: l.restrict,
      participants: [{ jid: SELF, role: l.ours ? "superadmin" : "admin" }, ...participants(l.people, l.lid)],
    });
  });
  const messages: Record<string, SbMessage[]> = {};
  for (const p of f.wrote)
    messages[n(p)] = [{ id: `m${p}`, timestamp: NOW - 3600, fromMe: false, body: "hi" }];
  const manifests: DesiredGroup[] = [];
  // the loader refuses a pinned id declared twice (fleet-rules), so the fleets never hold one
  const pinned = new Set<number>();
  f.manifests.forEach((m, i) => {
    if (!m.declared) return;
    const pin = m.pin !== undefined && !pinned.has(m.pin) ? m.pin : undefined;
    if (pin !== undefined) pinned.add(pin);
    const serial = SERIALS[i]!;
    const pick = (r: string) => people(...PEOPLE.filter((_, k) => m.people[k] === r));
    manifests.push(
      group({
        serial,
        title: "Alpha",
        admins: pick("admin"),
        members: pick("member"),
        retired: m.retired,
        removeUnlisted: m.removeUnlisted,
        ...(pin !== undefined ? { id: id(pin) } : {}),
        ...(m.welcome ? { welcome: "Welcome!" } : {}),
      }),
    );
  });
  const base = config();
  const cfg = {
    ...base,
    ...(f.selfKnown ? {} : { self: undefined }),
    invites: { ...base.invites, warmupHours: f.warmup ? 48 : 0 },
    limits: { ...base.limits, createsPerHour: f.createsPerHour },
    safety: { ...base.safety, maxRemovalRatio: f.maxRemovalRatio },
  };
  if (!f.selfKnown) delete cfg.self;
  const desired: Desired = { config: cfg, groups: manifests, aliases: {} };
  const state = sbState(groups, { engine: f.engine, messages });
  return { desired, state };
}

function client(f: Fleet, state: ReturnType<typeof sbState>) {
  const sandbox = new Sandbox(structuredClone(state), { faults: NO_FAULTS, now: () => NOW });
  return new WawpClient(
    inProcessTransport(sandbox, async () => {}),
    {
      sleep: async () => {},
      random: () => 0,
      pageSize: f.pageSize,
    },
  );
}

async function both(f: Fleet) {
  const { desired, state } = build(f);
  const req = {
    now: NOW,
    targets: f.targets,
    ...(f.shard ? { shard: { index: f.shard, count: 2 } } : {}),
  };
  // a listing that cannot be completed (WEBJS pages shift with chat activity) fails both the same way
  const failed = (e: unknown) => ({ json: `error: ${(e as Error).message}`, plan: undefined });
  const today = await planFleet(
    { reader: client(f, state) },
    { ...req, desired: structuredClone(desired) },
  ).then((r) => ({ json: renderJson(r.plan), plan: r.plan }), failed);
  const streamed = await planStreaming(
    { reader: client(f, state) },
    { ...req, desired: structuredClone(desired) },
  ).then((r) => ({ json: renderJson(r.plan), plan: r.plan }), failed);
  return { today: today.json, streamed: streamed.json, plan: today.plan };
}

describe("planStreaming", () => {
  it("plans exactly what planFleet plans, on random fleets across pages of 1–5 groups", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fleet, async (f) => {
        const { today, streamed, plan } = await both(f);
        expect(streamed).toBe(today);
        for (const w of plan?.warnings ?? []) seen.add(w.code);
        for (const g of plan?.groups ?? []) seen.add(g.action);
        if (plan?.unsafe.some((u) => u.startsWith("the fleet would lose"))) seen.add("fleet-ratio");
        if (f.selfKnown && plan) seen.add("streamed");
      }),
      { numRuns: 300 },
    );
    // the runs met the cases that span pages, not only easy fleets
    for (const code of [
      "streamed",
      "duplicate-serial",
      "orphan",
      "shadowed",
      "pinned-group-missing",
      "pin-takeover",
      "subject-normalized",
      "create-budget",
      "fleet-ratio",
    ])
      expect(seen).toContain(code);
    for (const action of ["create", "update", "retire"]) expect(seen).toContain(action);
  }, 60_000);

  it("a pinned serial's carrier listed before the pin is shadowed, and matched when the pin is not listed", async () => {
    const f: Fleet = {
      live: [
        {
          serial: 0,
          folded: false,
          title: "Alpha",
          ours: true,
          recent: false,
          people: ["admin", "absent", "absent", "absent", "absent", "absent"],
          lid: false,
          restrict: true,
        },
        {
          serial: 5,
          folded: false,
          title: "Old name",
          ours: true,
          recent: false,
          people: ["admin", "member", "absent", "absent", "absent", "absent"],
          lid: false,
          restrict: true,
        },
      ],
      manifests: SERIALS.map((_, i) => ({
        declared: i === 0,
        pin: 1,
        retired: false,
        welcome: false,
        people: ["admin", "member", "absent", "absent", "absent", "absent"],
        removeUnlisted: true,
      })),
      pageSize: 1,
      engine: "wawp",
      targets: [],
      shard: undefined,
      warmup: false,
      createsPerHour: 3,
      maxRemovalRatio: 0.5,
      selfKnown: true,
      wrote: [],
    };
    const pinned = await both(f);
    expect(pinned.streamed).toBe(pinned.today);
    expect(pinned.plan?.warnings.map((w) => w.code)).toContain("shadowed");
    expect(pinned.plan?.groups[0]).toMatchObject({ serial: "A-1", groupId: id(1), action: "update" });
    const unlisted = await both({ ...f, manifests: f.manifests.map((m) => ({ ...m, pin: 12 })) });
    expect(unlisted.streamed).toBe(unlisted.today);
    // the pin is not listed: the group carrying the serial is the manifest's, as matchGroups decides
    expect(unlisted.plan?.groups[0]).toMatchObject({ serial: "A-1", groupId: id(0) });
  });
});
