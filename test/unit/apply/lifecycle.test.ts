// The guide's lifecycle (issue 15) against the in-process sandbox, through the same plan + execute path as
// `apply`: one welcome even across a crash and never in a group wagroups did not create, warm-up that
// invites rather than adds, managed labels with their colours, fields people own, and an empty plan after.
import { describe, expect, it } from "vitest";
import type { Mutator } from "../../../src/live/types.js";
import { hasChanges, type Plan } from "../../../src/plan/change.js";
import type { Sandbox } from "../../../src/sandbox/sandbox.js";
import type { SandboxState, SbMessage } from "../../../src/sandbox/state.js";
import type { WawpClient } from "../../../src/wawp/client.js";
import {
  config,
  desired,
  group,
  n,
  people,
  planOnly,
  reconcile,
  SELF,
  sandboxClient,
  sbGroup,
  sbState,
} from "../../helpers/fleet.js";

const G = "120363000000000401@g.us";
const WELCOME = "Welcome! Dana is your account manager.";
const now = () => Math.floor(Date.now() / 1000);

/** The writes the sandbox carried out (2xx), as "METHOD path". */
const writes = (s: Sandbox) =>
  s.log
    .filter((e) => e.write && e.status >= 200 && e.status < 300)
    .map((e) => `${e.method} ${decodeURIComponent(e.path)}`);
/** Our messages in one chat. */
const ours = (s: Sandbox, chat: string) => (s.state.messages[chat] ?? []).filter((m) => m.fromMe);
const groupOf = (s: Sandbox, serial: string) =>
  s.state.groups.find((g) => g.subject.startsWith(`${serial} |`));
const said = (from: string, secondsAgo: number): SbMessage => ({
  id: `false_${from}_${secondsAgo}`,
  timestamp: now() - secondsAgo,
  fromMe: false,
  body: "hi, any news?",
});

/** The client, except that a group message makes the process "die" (before, or after it landed). */
function crashingOnGroupText(client: WawpClient, when: "before" | "after"): Mutator {
  return Object.assign(Object.create(client) as WawpClient, {
    async sendText(chatId: string, message: string) {
      if (!chatId.endsWith("@g.us")) return client.sendText(chatId, message);
      if (when === "after") await client.sendText(chatId, message);
      throw new Error(`process killed ${when} the group message`);
    },
  });
}

async function expectEmptyPlan(d: ReturnType<typeof desired>, client: WawpClient): Promise<Plan> {
  const p = await planOnly(d, client);
  expect(
    p.groups.filter((g) => g.changes.length).map((g) => [g.serial, g.changes.map((c) => c.kind)]),
  ).toEqual([]);
  expect(p.labels ?? []).toEqual([]);
  expect(hasChanges(p)).toBe(false);
  return p;
}

describe("welcome", () => {
  const fleet = () =>
    desired([
      group({ serial: "NEW-1", title: "New", admins: people(1), members: people(2), welcome: WELCOME }),
    ]);

  it("is posted once in a new group, after its settings and participants", async () => {
    const { sandbox, client } = sandboxClient(sbState([]));
    const { report } = await reconcile(fleet(), client);
    expect(report.incomplete).toBe(false);
    const g = groupOf(sandbox, "NEW-1")!;
    expect(ours(sandbox, g.id).map((m) => m.body)).toEqual([WELCOME]);
    const w = writes(sandbox);
    const welcomeAt = w.findIndex((x) => x.startsWith("POST /send/text"));
    expect(welcomeAt).toBe(w.length - 1);
    expect(w.slice(0, welcomeAt).some((x) => x.includes("/settings/"))).toBe(true);
    expect(w.slice(0, welcomeAt).some((x) => x.includes("/admin/promote"))).toBe(true);
    expect(g.participants.map((p) => [p.jid, p.role])).toEqual([
      [SELF, "superadmin"],
      [n(1), "admin"],
      [n(2), "member"],
    ]);
    await expectEmptyPlan(fleet(), client);
    expect((await reconcile(fleet(), client)).report.writes).toBe(0);
    expect(ours(sandbox, g.id)).toHaveLength(1);
  });

  it("a run that dies between the create and the welcome: the next run posts it, exactly once", async () => {
    const { sandbox, client } = sandboxClient(sbState([]));
    const first = await reconcile(fleet(), client, { mutator: crashingOnGroupText(client, "before") });
    expect(first.report.groups[0]!.status).toBe("failed");
    const g = groupOf(sandbox, "NEW-1")!;
    expect(ours(sandbox, g.id)).toEqual([]);
    // the rerun finds the group by its serial and sees no welcome in it
    const p = await planOnly(fleet(), client);
    expect(p.groups[0]!.changes).toEqual([{ kind: "welcome", message: WELCOME }]);
    const second = await reconcile(fleet(), client);
    expect(second.report.incomplete).toBe(false);
    expect(second.report.writes).toBe(1);
    expect(ours(sandbox, g.id).map((m) => m.body)).toEqual([WELCOME]);
    expect(sandbox.state.groups).toHaveLength(1);
    await expectEmptyPlan(fleet(), client);
  });

  it("a run that dies right after the welcome landed: the next run sends nothing more", async () => {
    const { sandbox, client } = sandboxClient(sbState([]));
    await reconcile(fleet(), client, { mutator: crashingOnGroupText(client, "after") });
    const g = groupOf(sandbox, "NEW-1")!;
    expect(ours(sandbox, g.id)).toHaveLength(1);
    await expectEmptyPlan(fleet(), client);
    const again = await reconcile(fleet(), client);
    expect(again.report.writes).toBe(0);
    expect(ours(sandbox, g.id).map((m) => m.body)).toEqual([WELCOME]);
  });

  it("is never sent to a group wagroups did not create: someone else's new group, or ours from long ago", async () => {
    const theirs = sbGroup({
      id: G,
      subject: "OLD-1 | Theirs",
      owner: n(1),
      creation: now() - 3600,
      participants: [
        { jid: n(1), role: "superadmin" },
        { jid: SELF, role: "admin" },
        { jid: n(2), role: "member" },
      ],
    });
    const oursLongAgo = sbGroup({
      id: "120363000000000402@g.us",
      subject: "OLD-2 | Ours",
      creation: now() - 30 * 86_400,
      participants: [
        { jid: SELF, role: "superadmin" },
        { jid: n(1), role: "admin" },
        { jid: n(2), role: "member" },
      ],
    });
    const { sandbox, client } = sandboxClient(sbState([theirs, oursLongAgo]));
    const d = desired([
      group({ serial: "OLD-1", title: "Theirs", admins: people(1), members: people(2), welcome: WELCOME }),
      group({ serial: "OLD-2", title: "Ours", admins: people(1), members: people(2), welcome: WELCOME }),
    ]);
    await expectEmptyPlan(d, client);
    const { report } = await reconcile(d, client);
    expect(report.writes).toBe(0);
    expect(writes(sandbox)).toEqual([]);
    expect(Object.values(sandbox.state.messages).flat()).toEqual([]);
  });
});

describe("warm-up (invites.warmupHours 24)", () => {
  const cfg = () => config({ invites: { ...config().invites, warmupHours: 24 } });
  // n(5) never wrote, n(7) wrote two days ago, n(6) wrote two hours ago
  const chats = (): SandboxState["messages"] => ({
    [n(6)]: [said(n(6), 7200)],
    [n(7)]: [said(n(7), 2 * 86_400)],
  });
  const existing = () =>
    sbGroup({
      id: G,
      subject: "WARM-1 | Warm",
      participants: [
        { jid: SELF, role: "superadmin" },
        { jid: n(1), role: "admin" },
      ],
    });
  const fleet = (serial = "WARM-1") =>
    desired([group({ serial, title: "Warm", admins: people(1), members: people(5, 6, 7) })], cfg());

  it("in a live group: who wrote lately is added; who did not gets exactly one invite and no add", async () => {
    const { sandbox, client } = sandboxClient(sbState([existing()], { messages: chats() }));
    const p = await planOnly(fleet(), client);
    expect(p.groups[0]!.changes).toEqual([
      { kind: "addParticipants", participants: [n(6)] },
      { kind: "sendInvites", participants: [n(5), n(7)], warmup: [n(5), n(7)] },
    ]);
    const { report } = await reconcile(fleet(), client);
    expect(report.incomplete).toBe(false);
    expect(report.groups[0]!.invited).toEqual([n(5), n(7)]);
    expect(sandbox.state.groups[0]!.participants.map((x) => x.jid)).toEqual([SELF, n(1), n(6)]);
    expect(ours(sandbox, n(5))).toHaveLength(1);
    expect(ours(sandbox, n(5))[0]!.body).toMatch(/^You are invited to join WARM-1 \| Warm: https:\/\//);
    expect(ours(sandbox, n(7))).toHaveLength(1);
    expect(ours(sandbox, n(6))).toEqual([]);
    expect(writes(sandbox).filter((w) => w.endsWith("/participants/add"))).toHaveLength(1);
    // the next runs: the invited are pending under the cooldown, nothing is sent again
    const again = await expectEmptyPlan(fleet(), client);
    expect(again.groups[0]!.pending).toEqual([n(5), n(7)]);
    expect((await reconcile(fleet(), client)).report.writes).toBe(0);
    expect(ours(sandbox, n(5))).toHaveLength(1);
  });

  it("on a create: the group starts with who wrote lately; the others are invited once, never added", async () => {
    const { sandbox, client } = sandboxClient(
      sbState([], { messages: { ...chats(), [n(1)]: [said(n(1), 600)] } }),
    );
    const { report } = await reconcile(fleet("WARM-2"), client);
    expect(report.incomplete).toBe(false);
    const g = groupOf(sandbox, "WARM-2")!;
    expect(g.participants.map((x) => x.jid).sort()).toEqual([SELF, n(1), n(6)].sort());
    const adds = sandbox.log.filter((e) => e.write && /\/groups$|\/participants\/add$/.test(e.path));
    expect(JSON.stringify(adds.map((e) => e.body))).not.toMatch(new RegExp(`${n(5)}|${n(7)}`));
    expect(ours(sandbox, n(5))).toHaveLength(1);
    expect(ours(sandbox, n(7))).toHaveLength(1);
    await expectEmptyPlan(fleet("WARM-2"), client);
    expect((await reconcile(fleet("WARM-2"), client)).report.writes).toBe(0);
    expect(ours(sandbox, n(5))).toHaveLength(1);
  });
});

describe("managed labels (config labels)", () => {
  const cfg = () =>
    config({
      labels: {
        vip: { color: 5, colorHex: "#55ccb3" },
        escalated: { color: 13, colorHex: "#f74848" },
        "sales-led": { color: 1, colorHex: "#64c4ff" },
      },
    });
  const state = () =>
    sbState(
      [
        sbGroup({
          id: G,
          subject: "LAB-1 | Labels",
          labels: ["1", "2"],
          participants: [
            { jid: SELF, role: "superadmin" },
            { jid: n(1), role: "admin" },
          ],
        }),
      ],
      {
        labels: [
          { id: "1", name: "escalated", color: 13 },
          { id: "2", name: "agent-x", color: 3 },
          { id: "3", name: "sales-led", color: 0 },
        ],
      },
    );
  const fleet = () =>
    desired([group({ serial: "LAB-1", title: "Labels", admins: people(1), labels: ["vip"] })], cfg());

  it("a missing one is created with its colour, a wrong colour corrected, an undeclared managed one removed, an unmanaged one stays", async () => {
    const { sandbox, client } = sandboxClient(state());
    const { report } = await reconcile(fleet(), client);
    expect(report.incomplete).toBe(false);
    const byName = new Map(sandbox.state.labels.map((l) => [l.name, l]));
    expect(byName.get("vip")?.color).toBe(5);
    expect(byName.get("sales-led")?.color).toBe(1);
    expect(byName.get("agent-x")?.color).toBe(3);
    const on = sandbox.state.groups[0]!.labels.map(
      (id) => sandbox.state.labels.find((l) => l.id === id)!.name,
    );
    expect(on.sort()).toEqual(["agent-x", "vip"]);
    expect(writes(sandbox).sort()).toEqual(
      ["POST /labels", "PUT /labels/3", `PUT /labels/chats/${G}`].sort(),
    );
    await expectEmptyPlan(fleet(), client);
    expect((await reconcile(fleet(), client)).report.writes).toBe(0);
  });
});

describe("ignore: fields people own", () => {
  const state = () =>
    sbState([
      sbGroup({
        id: G,
        subject: "IGN-1 | Old name",
        description: "Edited today by the account manager",
        participants: [
          { jid: SELF, role: "superadmin" },
          { jid: n(1), role: "admin" },
          { jid: n(2), role: "admin" }, // a nurse promoted by hand during a busy shift
        ],
      }),
    ]);
  const fleet = () =>
    desired([
      group({
        serial: "IGN-1",
        title: "Ward 3",
        description: "Rules. Leave any time.",
        admins: people(1),
        members: people(2),
        ignore: ["description", "admins"],
      }),
    ]);

  it("an ignored description is not reverted and a hand-promoted admin is not demoted; the rest is reconciled", async () => {
    const { sandbox, client } = sandboxClient(state());
    const p = await planOnly(fleet(), client);
    expect(p.groups[0]!.ignored).toEqual(["description", "admins"]);
    expect(p.groups[0]!.changes).toEqual([
      { kind: "setSubject", from: "IGN-1 | Old name", to: "IGN-1 | Ward 3" },
    ]);
    const { report } = await reconcile(fleet(), client);
    expect(report.incomplete).toBe(false);
    expect(writes(sandbox)).toEqual([`PUT /groups/${G}/subject`]);
    const g = sandbox.state.groups[0]!;
    expect(g.subject).toBe("IGN-1 | Ward 3");
    expect(g.description).toBe("Edited today by the account manager");
    expect(g.participants.find((x) => x.jid === n(2))?.role).toBe("admin");
    await expectEmptyPlan(fleet(), client);
  });
});
