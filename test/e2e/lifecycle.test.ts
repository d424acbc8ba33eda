// The guide's lifecycle (issue 15) through the built CLI on the sandbox, as a user runs it: apply, then
// `plan --detailed-exitcode` must say 0. The sandbox keeps its state in a file between the runs, so a run
// that fails half-way (a fault injected on the welcome) is followed by a fresh process, as after a crash.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { SandboxState, SbMessage } from "../../src/sandbox/state.js";
import { run, tempDir } from "../helpers/cli.js";
import { type GroupSpec, p, subjectOf, writeFleet } from "../helpers/double-fleet.js";
import { SELF, sbGroup, sbState } from "../helpers/fleet.js";

const G = "120363000000000501@g.us";
const jid = (d: string) => `${d}@c.us`;
const now = () => Math.floor(Date.now() / 1000);
// no comma nor "|": the text is also the sandbox's failFor fault, which splits on them
const WELCOME = "Welcome to the Ward 3 group. Dana is your nurse lead.";

/** A sandbox state file of its own, and the CLI runs against it. */
function sandbox(state: SandboxState) {
  const file = path.join(tempDir(), "sandbox.json");
  writeFileSync(file, JSON.stringify(state));
  const env = (faults = "") => ({
    WAGROUPS_SANDBOX: "1",
    WAGROUPS_SANDBOX_STATE: file,
    ...(faults ? { WAGROUPS_SANDBOX_FAULTS: faults } : {}),
  });
  return {
    apply: (dir: string, faults = "") => run(["apply", "--dir", dir, "--auto-approve"], { env: env(faults) }),
    plan: (dir: string) => run(["plan", "--dir", dir, "--detailed-exitcode"], { env: env() }),
    json: async (dir: string) =>
      JSON.parse((await run(["plan", "--dir", dir, "--format", "json"], { env: env() })).stdout) as {
        groups: { serial: string; changes: { kind: string }[]; ignored?: string[]; pending: string[] }[];
      },
    state: () => JSON.parse(readFileSync(file, "utf8")) as SandboxState,
  };
}

const ours = (s: SandboxState, chat: string) => (s.messages[chat] ?? []).filter((m) => m.fromMe);
const bySerial = (s: SandboxState, spec: GroupSpec) => s.groups.find((g) => g.subject === subjectOf(spec));
const wrote = (d: string, secondsAgo: number): SbMessage => ({
  id: `false_${d}_${secondsAgo}`,
  timestamp: now() - secondsAgo,
  fromMe: false,
  body: "hello",
});
const member = (d: string, role: "admin" | "member" | "superadmin" = "member") => ({ jid: jid(d), role });
const ME = { jid: SELF, role: "superadmin" as const };

describe("the lifecycle through the CLI on the sandbox", { timeout: 120_000 }, () => {
  const NEW: GroupSpec = {
    serial: "WARD-3",
    title: "Ward 3",
    admins: [p(1)],
    members: [p(2)],
    welcome: WELCOME,
  };

  it("welcome: a run that fails before the welcome is finished by the next, which posts it once; then no changes", async () => {
    const sb = sandbox(sbState([]));
    const dir = writeFleet([NEW]);
    const failed = await sb.apply(dir, `failFor=${WELCOME}`);
    expect(failed.code, failed.stdout).toBe(3); // work left undone: run it again
    const g = bySerial(sb.state(), NEW)!;
    expect(g, "the create went through").toBeDefined();
    expect(ours(sb.state(), g.id)).toEqual([]);
    expect((await sb.plan(dir)).code).toBe(2);
    const done = await sb.apply(dir);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(ours(sb.state(), g.id).map((m) => m.body)).toEqual([WELCOME]);
    expect(sb.state().groups).toHaveLength(1);
    const again = await sb.plan(dir);
    expect(again.code, again.stdout).toBe(0);
    expect((await sb.apply(dir)).code).toBe(0);
    expect(ours(sb.state(), g.id)).toHaveLength(1);
  });

  it("welcome: never posted in a group someone else created, even a new one", async () => {
    const spec: GroupSpec = { ...NEW, serial: "WARD-4" };
    const sb = sandbox(
      sbState([
        sbGroup({
          id: G,
          subject: subjectOf(spec),
          owner: jid(p(1)),
          creation: now() - 600,
          participants: [member(p(1), "superadmin"), { jid: SELF, role: "admin" as const }, member(p(2))],
        }),
      ]),
    );
    const dir = writeFleet([spec]);
    expect((await sb.plan(dir)).code).toBe(0);
    expect((await sb.apply(dir)).code).toBe(0);
    expect(sb.state().messages).toEqual({});
  });

  it("warm-up: who never wrote gets one invite and no add, who wrote lately is added; then no changes", async () => {
    const spec: GroupSpec = { serial: "WARM-1", title: "Warm", admins: [p(1)], members: [p(5), p(6)] };
    const sb = sandbox(
      sbState([sbGroup({ id: G, subject: subjectOf(spec), participants: [ME, member(p(1), "admin")] })], {
        messages: { [jid(p(6))]: [wrote(p(6), 3 * 3600)] },
      }),
    );
    const dir = writeFleet([spec], {}, "invites: { warmupHours: 24 }\n");
    const r = await sb.apply(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = sb.state();
    expect(s.groups[0]!.participants.map((x) => x.jid)).toEqual([SELF, jid(p(1)), jid(p(6))]);
    expect(ours(s, jid(p(5)))).toHaveLength(1);
    expect(ours(s, jid(p(5)))[0]!.body).toContain(subjectOf(spec));
    expect(ours(s, jid(p(6)))).toEqual([]);
    const again = await sb.plan(dir);
    expect(again.code, again.stdout).toBe(0);
    expect((await sb.json(dir)).groups[0]!.pending).toEqual([jid(p(5))]);
    expect((await sb.apply(dir)).code).toBe(0);
    expect(ours(sb.state(), jid(p(5)))).toHaveLength(1);
  });

  it("managed labels: created with their colour, an undeclared managed one removed, an unmanaged one stays; then no changes", async () => {
    const spec: GroupSpec = {
      serial: "LAB-1",
      title: "Labels",
      admins: [p(1)],
      members: [],
      labels: ["vip"],
    };
    const sb = sandbox(
      sbState(
        [
          sbGroup({
            id: G,
            subject: subjectOf(spec),
            labels: ["1", "2"],
            participants: [ME, member(p(1), "admin")],
          }),
        ],
        {
          labels: [
            { id: "1", name: "escalated", color: 13 },
            { id: "2", name: "agent-x", color: 3 },
          ],
        },
      ),
    );
    const dir = writeFleet([spec], {}, 'labels:\n  vip: { color: "#55CCB3" }\n  escalated: { color: 13 }\n');
    const r = await sb.apply(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const s = sb.state();
    const vip = s.labels.find((l) => l.name === "vip");
    expect(vip?.color).toBe(5);
    expect(s.groups[0]!.labels.sort()).toEqual(["2", vip!.id].sort());
    expect(s.labels.find((l) => l.name === "agent-x")?.color).toBe(3);
    const again = await sb.plan(dir);
    expect(again.code, again.stdout).toBe(0);
  });

  it("ignore: an ignored description is not reverted, a hand-promoted admin is not demoted; then no changes", async () => {
    const spec: GroupSpec = {
      serial: "IGN-1",
      title: "Ward 5",
      description: "Rules. Leave any time.",
      admins: [p(1)],
      members: [p(2)],
      ignore: ["description", "admins"],
    };
    const sb = sandbox(
      sbState([
        sbGroup({
          id: G,
          subject: "IGN-1 | Old name",
          description: "Edited this morning by the ward",
          participants: [ME, member(p(1), "admin"), member(p(2), "admin")],
        }),
      ]),
    );
    const dir = writeFleet([spec]);
    const planned = await sb.json(dir);
    expect(planned.groups[0]!.ignored).toEqual(["description", "admins"]);
    expect(planned.groups[0]!.changes.map((c) => c.kind)).toEqual(["setSubject"]);
    expect((await sb.apply(dir)).code).toBe(0);
    const g = sb.state().groups[0]!;
    expect(g.subject).toBe(subjectOf(spec));
    expect(g.description).toBe("Edited this morning by the ward");
    expect(g.participants.find((x) => x.jid === jid(p(2)))?.role).toBe("admin");
    const again = await sb.plan(dir);
    expect(again.code, again.stdout).toBe(0);
  });
});
