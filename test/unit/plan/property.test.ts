import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LiveParticipant, Role } from "../../../src/live/types.js";
import { jidsOf } from "../../../src/manifest/persons.js";
import type { Settings } from "../../../src/manifest/types.js";
import { hasChanges } from "../../../src/plan/change.js";
import { plan } from "../../../src/plan/plan.js";
import {
  desired,
  group,
  live,
  n,
  people,
  planOnly,
  reconcile,
  SELF,
  sandboxClient,
  sbGroup,
  sbState,
} from "../../helpers/fleet.js";

type Infer<A> = A extends fc.Arbitrary<infer T> ? T : never;

const POOL = [1, 2, 3, 4, 5, 6, 7, 8];
const G = "120363000000000001@g.us";
const who = fc.constantFrom<"all" | "admins">("all", "admins");
const settings: fc.Arbitrary<Settings> = fc.record({
  sendMessages: who,
  editInfo: who,
  addMembers: who,
  approveJoins: fc.boolean(),
});

// a manifest: disjoint admins and members from the pool, at least one admin
const manifest = fc
  .record({
    roles: fc.array(fc.constantFrom<"admin" | "member" | "absent">("admin", "member", "absent"), {
      minLength: POOL.length,
      maxLength: POOL.length,
    }),
    settings,
    description: fc.constantFrom(undefined, "Leave any time.", "Rules: be kind. Leave any time."),
    removeUnlisted: fc.boolean(),
    title: fc.constantFrom("Alpha", "Alpha team"),
  })
  .filter((m) => m.roles.includes("admin"));

// a live group: any subset of the pool with any roles, maybe created by someone else
const liveGroup = fc.record({
  exists: fc.boolean(),
  roles: fc.array(fc.constantFrom<Role | "absent">("member", "admin", "absent"), {
    minLength: POOL.length,
    maxLength: POOL.length,
  }),
  ownerIndex: fc.option(fc.integer({ min: 0, max: POOL.length - 1 }), { nil: undefined }),
  settings,
  description: fc.constantFrom("", "old"),
  subject: fc.constantFrom("A-1 | Alpha", "A-1 | Old name"),
  lid: fc.boolean(),
});

function build(m: Infer<typeof manifest>) {
  const pick = (r: string) => people(...POOL.filter((_, i) => m.roles[i] === r));
  return group({
    serial: "A-1",
    title: m.title,
    subject: `A-1 | ${m.title}`,
    admins: pick("admin"),
    members: pick("member"),
    settings: m.settings,
    removeUnlisted: m.removeUnlisted,
    ...(m.description !== undefined ? { description: m.description } : {}),
  });
}

function liveParticipants(l: Infer<typeof liveGroup>) {
  const owner = l.ownerIndex !== undefined ? n(POOL[l.ownerIndex]!) : SELF;
  const list: LiveParticipant[] = [{ jid: SELF, role: owner === SELF ? "superadmin" : "admin" }];
  POOL.forEach((p, i) => {
    const role = l.roles[i]!;
    if (n(p) === owner) list.push({ jid: owner, role: "superadmin" });
    else if (role !== "absent") list.push({ jid: n(p), role: role as Role });
  });
  if (l.lid) list.push({ jid: "55501@lid", role: "member", lid: "55501@lid" });
  return { owner, list };
}

describe("planner properties", () => {
  it("never removes or demotes the creator or the instance, nor removes anyone when removeUnlisted is false, nor an unresolved @lid", () => {
    fc.assert(
      fc.property(manifest, liveGroup, (m, l) => {
        const { owner, list } = liveParticipants(l);
        const lg = live({
          id: G,
          subject: l.subject,
          owner,
          participants: list,
          settings: l.settings,
          description: l.description,
        });
        const d = build(m);
        const p = plan(desired([d]), { groups: l.exists ? [lg] : [] }, { now: 1_800_000_000 });
        for (const c of p.groups[0]!.changes) {
          if (c.kind === "removeParticipants" || c.kind === "demote") {
            expect(c.participants).not.toContain(SELF);
            expect(c.participants).not.toContain(owner);
            expect(c.participants).not.toContain("55501@lid");
          }
          if (c.kind === "removeParticipants") {
            expect(d.removeUnlisted).toBe(true);
            const listed = new Set([...jidsOf(d.admins), ...jidsOf(d.members)]);
            for (const j of c.participants) expect(listed.has(j)).toBe(false);
          }
        }
      }),
      { numRuns: 500, seed: 20261126 },
    );
  });

  it("plan -> apply -> plan is empty (the model converges in one apply)", async () => {
    await fc.assert(
      fc.asyncProperty(manifest, liveGroup, async (m, l) => {
        const { owner, list } = liveParticipants(l);
        const groups = l.exists
          ? [
              sbGroup({
                id: G,
                subject: l.subject,
                description: l.description,
                owner,
                announce: l.settings.sendMessages === "admins",
                restrict: l.settings.editInfo === "admins",
                memberAddAll: l.settings.addMembers === "all",
                approval: l.settings.approveJoins,
                participants: list.filter((p) => !p.lid).map((p) => ({ jid: p.jid, role: p.role })),
              }),
            ]
          : [];
        const { client } = sandboxClient(sbState(groups, { privacyRestricted: [n(8)] }));
        const d = desired([build(m)]);
        const { report } = await reconcile(d, client);
        expect(report.groups.filter((g) => g.status === "failed")).toEqual([]);
        const after = await planOnly(d, client);
        expect(after.groups[0]!.changes).toEqual([]);
        expect(hasChanges(after)).toBe(false);
      }),
      { numRuns: 150, seed: 20261126 },
    );
  });
});
