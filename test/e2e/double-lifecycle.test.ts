// The guide's lifecycle (issue 15) through the built CLI against the independent NOWEB double, which shares
// no code with the sandbox: one welcome even across a failed run, never in a group wagroups did not create,
// warm-up that invites rather than adds, managed label colours, fields people own, and after every apply
// `plan --detailed-exitcode` says 0.
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../helpers/cli.js";
import { type Double, type DoubleGroup, type DoubleOptions, startDouble } from "../helpers/double.js";
import { type GroupSpec, p, SELF, subjectOf, sw, writeFleet } from "../helpers/double-fleet.js";

const ID = "120363000000000601@g.us";
const WELCOME = "Welcome! Dana is your account manager.";
const now = () => Math.floor(Date.now() / 1000);
const chat = (d: string) => `${d}@c.us`;

let double: Double | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

const start = async (o: Partial<DoubleOptions>) => {
  double = await startDouble({ self: SELF, groups: [], privacy: [], ...o });
  return double;
};
const apply = (dir: string) => run(["apply", "--dir", dir, "--auto-approve"], { env: double!.env });
const plan = (dir: string) => run(["plan", "--dir", dir, "--detailed-exitcode"], { env: double!.env });
const json = async (dir: string) =>
  JSON.parse((await run(["plan", "--dir", dir, "--format", "json"], { env: double!.env })).stdout) as {
    groups: { changes: { kind: string }[]; ignored?: string[]; pending: string[] }[];
  };
const textsTo = (chatId: string) => double!.texts.filter((t) => t.chatId === chatId).map((t) => t.message);
const writes = () => double!.writes.map((w) => `${w.method} ${decodeURIComponent(w.path)}`);

/** A live group run by the instance, which created it long ago. */
function liveGroup(spec: GroupSpec, over: Partial<DoubleGroup> = {}): DoubleGroup {
  return {
    id: ID,
    subject: subjectOf(spec),
    desc: spec.description ?? "",
    owner: sw(SELF),
    creation: 1_700_000_000,
    announce: false,
    restrict: true,
    memberAddMode: false,
    joinApprovalMode: false,
    participants: [
      { id: sw(SELF), admin: "superadmin" },
      ...spec.admins.map((d) => ({ id: sw(d), admin: "admin" as const })),
    ],
    ...over,
  };
}

/** The double with the faults of a crashed run, then the same world without them: the next process. */
async function recover(first: Double): Promise<Double> {
  const next = await startDouble({
    self: SELF,
    groups: first.groups,
    privacy: [],
    messages: Object.fromEntries(
      [...new Set(first.texts.map((t) => t.chatId))].map((c) => [
        c,
        first.texts
          .filter((t) => t.chatId === c)
          .map((t, i) => ({ id: `m${i}`, timestamp: now(), fromMe: true, body: t.message })),
      ]),
    ),
  });
  await first.close();
  double = next;
  return next;
}

describe("the lifecycle on the independent NOWEB double", { timeout: 120_000 }, () => {
  const NEW: GroupSpec = { serial: "NEW-1", title: "New", admins: [p(1)], members: [p(2)], welcome: WELCOME };

  it("welcome: the run fails on the welcome after the create; the next run posts it exactly once", async () => {
    const dir = writeFleet([NEW]);
    const first = await start({ faults: { failText: "Welcome!" } });
    const failed = await apply(dir);
    expect(failed.code, failed.stdout).toBe(3); // work left undone: run it again
    expect(first.groups).toHaveLength(1);
    const id = first.groups[0]!.id;
    expect(first.texts).toEqual([]);
    await recover(first);
    const planned = await json(dir);
    expect(planned.groups[0]!.changes.map((c) => c.kind)).toEqual(["welcome"]);
    const done = await apply(dir);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(writes()).toEqual(["POST /v2/send/text"]);
    expect(textsTo(id)).toEqual([WELCOME]);
    const again = await plan(dir);
    expect(again.code, again.stdout).toBe(0);
    expect((await apply(dir)).code).toBe(0);
    expect(double!.texts).toHaveLength(1);
  });

  it("welcome: its reply is lost on the way back; the run finds it in the chat and never sends a second", async () => {
    const dir = writeFleet([NEW]);
    // the create, two settings NOWEB starts otherwise, the promotion, then the welcome: the fifth write
    await start({ faults: { lostEvery: 5 } });
    const r = await apply(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(double!.writes[4], writes().join("\n")).toMatchObject({ path: "/v2/send/text", status: 0 });
    const id = double!.groups[0]!.id;
    expect(textsTo(id)).toEqual([WELCOME]);
    const again = await plan(dir);
    expect(again.code, again.stdout).toBe(0);
    await apply(dir);
    expect(textsTo(id)).toEqual([WELCOME]);
  });

  it("welcome: never posted in a group someone else created an hour ago", async () => {
    const spec = { ...NEW, serial: "THEIRS-1" };
    await start({
      groups: [
        liveGroup(spec, {
          owner: sw(p(1)),
          creation: now() - 3600,
          participants: [
            { id: sw(p(1)), admin: "superadmin" },
            { id: sw(SELF), admin: "admin" },
            { id: sw(p(2)), admin: null },
          ],
        }),
      ],
    });
    const dir = writeFleet([spec]);
    expect((await plan(dir)).code).toBe(0);
    expect((await apply(dir)).code).toBe(0);
    expect(double!.writes).toEqual([]);
  });

  it("warm-up: who never wrote (or wrote two days ago) gets one invite and no add; who wrote lately is added", async () => {
    const spec: GroupSpec = { serial: "WARM-1", title: "Warm", admins: [p(1)], members: [p(5), p(6), p(7)] };
    const theirs = (d: string, ago: number) => [
      { id: `t${d}`, timestamp: now() - ago, fromMe: false, body: "hi" },
    ];
    await start({
      groups: [liveGroup(spec)],
      messages: { [chat(p(6))]: theirs(p(6), 2 * 3600), [chat(p(7))]: theirs(p(7), 2 * 86_400) },
    });
    const dir = writeFleet([spec], {}, "invites: { warmupHours: 24 }\n");
    const r = await apply(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const adds = double!.requests.filter((q) => q.method === "POST" && q.path.endsWith("/participants/add"));
    expect(adds.map((q) => q.body)).toEqual([{ participants: [{ id: chat(p(6)) }] }]);
    expect(textsTo(chat(p(5)))).toEqual([expect.stringContaining(subjectOf(spec))]);
    expect(textsTo(chat(p(7)))).toHaveLength(1);
    expect(textsTo(chat(p(6)))).toEqual([]);
    const again = await plan(dir);
    expect(again.code, again.stdout).toBe(0);
    expect((await json(dir)).groups[0]!.pending.sort()).toEqual([chat(p(5)), chat(p(7))].sort());
    expect((await apply(dir)).code).toBe(0);
    expect(double!.texts).toHaveLength(2);
  });

  it("warm-up on a create: the group starts with who wrote lately; the others are invited, never added", async () => {
    const spec: GroupSpec = { serial: "WARM-2", title: "Warm", admins: [p(1)], members: [p(5), p(6)] };
    const theirs = (d: string) => [{ id: `t${d}`, timestamp: now() - 600, fromMe: false, body: "hi" }];
    await start({ messages: { [chat(p(1))]: theirs(p(1)), [chat(p(6))]: theirs(p(6)) } });
    const dir = writeFleet([spec], {}, "invites: { warmupHours: 24 }\n");
    const r = await apply(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const sent = JSON.stringify(double!.requests.filter((q) => q.method === "POST" && /groups/.test(q.path)));
    expect(sent).not.toContain(p(5));
    expect(double!.groups[0]!.participants.map((x) => x.id).sort()).toEqual(
      [sw(SELF), sw(p(1)), sw(p(6))].sort(),
    );
    expect(textsTo(chat(p(5)))).toHaveLength(1);
    const again = await plan(dir);
    expect(again.code, again.stdout).toBe(0);
  });

  it("managed labels: a wrong colour is corrected on the label, the chat set is left as it is", async () => {
    const spec: GroupSpec = {
      serial: "LAB-1",
      title: "Labels",
      admins: [p(1)],
      members: [],
      labels: ["vip"],
    };
    await start({
      groups: [liveGroup(spec)],
      labels: [
        { id: "1", name: "vip", color: 0 },
        { id: "2", name: "agent-x", color: 1 },
      ],
      chatLabels: { [ID]: ["1", "2"] },
    });
    const dir = writeFleet([spec], {}, 'labels:\n  vip: { color: "#55ccb3" }\n');
    const r = await apply(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(writes()).toEqual(["PUT /v2/labels/1"]);
    expect(double!.labels.find((l) => l.id === "1")?.color).toBe(5);
    expect(double!.chatLabels.get(ID)).toEqual(["1", "2"]);
    const again = await plan(dir);
    expect(again.code, again.stdout).toBe(0);
  });

  it("ignore: an ignored description is not reverted, a hand-promoted admin is not demoted; the subject is still fixed", async () => {
    const spec: GroupSpec = {
      serial: "IGN-1",
      title: "Ward 3",
      description: "Rules. Leave any time.",
      admins: [p(1)],
      members: [p(2)],
      ignore: ["description", "admins"],
    };
    await start({
      groups: [
        liveGroup(spec, {
          subject: "IGN-1 | Old name",
          desc: "Edited this morning by the account manager",
          participants: [
            { id: sw(SELF), admin: "superadmin" },
            { id: sw(p(1)), admin: "admin" },
            { id: sw(p(2)), admin: "admin" },
          ],
        }),
      ],
    });
    const dir = writeFleet([spec]);
    expect((await json(dir)).groups[0]!.ignored).toEqual(["description", "admins"]);
    const r = await apply(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(writes()).toEqual([`PUT /v2/groups/${ID}/subject`]);
    const g = double!.groups[0]!;
    expect(g.desc).toBe("Edited this morning by the account manager");
    expect(g.participants.find((x) => x.id === sw(p(2)))?.admin).toBe("admin");
    const again = await plan(dir);
    expect(again.code, again.stdout).toBe(0);
  });
});
