// watch in-process against the in-process sandbox: the endpoint's answers, coalescing, the shared write
// budget, safety, --dry-run, manifest reloads and the goodbye.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { TokenBucket } from "../../../src/apply/throttle.js";
import type { Desired } from "../../../src/manifest/types.js";
import { WatchMetrics } from "../../../src/watch/metrics.js";
import { Reconciler } from "../../../src/watch/reconciler.js";
import { signBody } from "../../../src/watch/verify.js";
import { startWatch, type Watch } from "../../../src/watch/watch.js";
import { tempDir } from "../../helpers/cli.js";
import {
  adminGroup,
  config,
  desired,
  group,
  n,
  people,
  sandboxClient,
  sbState,
} from "../../helpers/fleet.js";

const SECRET = "test-secret-41";
const G1 = "120363000000000001@g.us";
const G2 = "120363000000000002@g.us";
const silent = pino({ level: "silent" });
const digits = (i: number) => `+${n(i).split("@")[0]}`;

function fleetDir(extra = ""): string {
  const dir = path.join(tempDir(), "groups");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "wagroups.yaml"),
    `self: "+14155550100"\nlimits: { requestsPerMinute: 600 }\n${extra}`,
  );
  for (const [serial, title] of [
    ["G-1", "One"],
    ["G-2", "Two"],
  ])
    writeFileSync(
      path.join(dir, `${serial}.yaml`),
      `serial: ${serial}\nsubject: ${title}\nadmins: ["${digits(1)}"]\nmembers: ["${digits(2)}", "${digits(3)}"]\n`,
    );
  return dir;
}

const member = (i: number) => ({ jid: n(i), role: "member" as const });
function liveState() {
  return sbState([
    adminGroup(G1, "G-1 | One", member(2), member(3)),
    adminGroup(G2, "G-2 | Two", member(2), member(3)),
  ]);
}

let running: Watch | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start(
  opts: { dir?: string; dryRun?: boolean; state?: ReturnType<typeof liveState>; settleMs?: number } = {},
) {
  const { sandbox, client } = sandboxClient(opts.state ?? liveState());
  const w = await startWatch({
    dir: opts.dir ?? fleetDir(),
    host: "127.0.0.1",
    port: 0,
    resyncMs: 3_600_000,
    dryRun: !!opts.dryRun,
    secret: SECRET,
    client,
    self: sandbox.self,
    log: silent,
    settleMs: opts.settleMs ?? 20,
  });
  running = w;
  await until(() => w.healthy());
  await w.idle();
  return { w, sandbox };
}

async function until(ok: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

let ids = 0;
function post(w: Watch, body: string, headers: Record<string, string> = {}) {
  return fetch(`${w.url}/webhooks/wawp`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-request-id": `r${++ids}`, ...headers },
    body,
  });
}
const signed = (w: Watch, envelope: unknown, headers: Record<string, string> = {}) => {
  const body = JSON.stringify(envelope);
  return post(w, body, { "x-webhook-hmac": signBody(body, SECRET), ...headers });
};
const update = (id: string) => ({ event: "group.v2.update", session: "default", payload: { group: { id } } });
const counter = async (w: Watch, name: string) => {
  const m = (await w.metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return Object.fromEntries((m?.values ?? []).map((v) => [JSON.stringify(v.labels), v.value]));
};
const total = async (w: Watch, name: string) =>
  Object.values(await counter(w, name)).reduce((a, b) => a + Number(b), 0);

describe("watch: the webhook endpoint", { timeout: 20_000 }, () => {
  it("401 for a missing or wrong signature, 400 for bad JSON, 413 over the cap; nothing queued", async () => {
    const { w, sandbox } = await start();
    sandbox.state.groups[0]!.subject = "G-1 | Renamed in the app";
    const before = sandbox.log.length;
    const body = JSON.stringify(update(G1));
    expect((await post(w, body)).status).toBe(401);
    expect((await post(w, body, { "x-webhook-hmac": signBody(body, "not-the-secret") })).status).toBe(401);
    expect((await post(w, body, { "x-webhook-hmac": "00" })).status).toBe(401);
    expect((await post(w, "{not json", { "x-webhook-hmac": signBody("{not json", SECRET) })).status).toBe(
      400,
    );
    const big = JSON.stringify({ ...update(G1), pad: "x".repeat(1024 * 1024) });
    expect((await post(w, big, { "x-webhook-hmac": signBody(big, SECRET) })).status).toBe(413);
    await new Promise((r) => setTimeout(r, 100));
    expect(sandbox.log.length).toBe(before); // not one read
    expect(await counter(w, "wagroups_watch_events_rejected_total")).toEqual({
      '{"reason":"signature"}': 3,
      '{"reason":"json"}': 1,
      '{"reason":"size"}': 1,
    });
    expect(sandbox.state.groups[0]!.subject).toBe("G-1 | Renamed in the app");
  });

  it("202 before reconciling; the drift is healed from a fresh read; a redelivery is ignored", async () => {
    const { w, sandbox } = await start();
    sandbox.state.groups[0]!.subject = "G-1 | Renamed in the app";
    sandbox.log.length = 0;
    const res = await signed(w, update(G1), { "x-webhook-request-id": "same-delivery" });
    expect(res.status).toBe(202);
    expect(sandbox.log.length).toBe(0); // answered before any call
    await until(() => sandbox.state.groups[0]!.subject === "G-1 | One");
    await w.idle();
    const reads = sandbox.log.filter((e) => !e.write).map((e) => decodeURIComponent(e.path));
    // one read of the group itself, then only what a plan of it needs: never the fleet's listing
    expect(reads.filter((p) => p === "/groups")).toEqual([]);
    expect(reads[0]).toBe(`/groups/${G1}`);
    expect(sandbox.log.filter((e) => e.write).map((e) => decodeURIComponent(e.path))).toEqual([
      `/groups/${G1}/subject`,
    ]);
    sandbox.state.groups[0]!.subject = "G-1 | Again";
    expect((await signed(w, update(G1), { "x-webhook-request-id": "same-delivery" })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 100));
    expect(sandbox.state.groups[0]!.subject).toBe("G-1 | Again");
    expect(await counter(w, "wagroups_watch_events_ignored_total")).toMatchObject({
      '{"reason":"redelivery"}': 1,
    });
  });

  it("other events and groups no manifest declares are accepted and ignored", async () => {
    const { w, sandbox } = await start();
    sandbox.log.length = 0;
    expect((await signed(w, { event: "message", payload: { from: n(2) } })).status).toBe(202);
    expect((await signed(w, update("120363000000000099@g.us"))).status).toBe(202);
    await new Promise((r) => setTimeout(r, 100));
    expect(sandbox.log).toEqual([]);
    expect(await total(w, "wagroups_watch_events_ignored_total")).toBe(2);
  });

  it("healthz is 503 until the first full resync finished, then 200; metrics are Prometheus text", async () => {
    const { sandbox, client } = sandboxClient(liveState());
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const slow = Object.create(client) as typeof client;
    slow.listGroups = async () => {
      await gate;
      return client.listGroups();
    };
    const w = await startWatch({
      dir: fleetDir(),
      host: "127.0.0.1",
      port: 0,
      resyncMs: 3_600_000,
      dryRun: false,
      secret: SECRET,
      client: slow,
      self: sandbox.self,
      log: silent,
    });
    running = w;
    expect((await fetch(`${w.url}/healthz`)).status).toBe(503);
    const early = await (await fetch(`${w.url}/metrics`)).text();
    expect(early).toContain("wagroups_watch_seconds_since_last_resync -1");
    open();
    await until(async () => (await fetch(`${w.url}/healthz`)).status === 200);
    const text = await (await fetch(`${w.url}/metrics`)).text();
    for (const name of [
      "wagroups_watch_events_received_total",
      "wagroups_watch_events_rejected_total",
      "wagroups_watch_events_coalesced_total",
      "wagroups_watch_reconciles_total",
      "wagroups_watch_writes_total",
      "wagroups_watch_drift_found_total",
      "wagroups_watch_queue_depth 0",
    ])
      expect(text).toContain(name);
    expect(text).toMatch(/wagroups_watch_seconds_since_last_resync \d/);
    expect((await fetch(`${w.url}/nope`)).status).toBe(404);
    expect((await fetch(`${w.url}/webhooks/wawp`)).status).toBe(405);
  });
});

describe("watch: reconciling", { timeout: 30_000 }, () => {
  it("a drift storm (300 events for two groups) coalesces into a few reconciles and the minimal writes", async () => {
    const settleMs = 250;
    const { w, sandbox } = await start({ settleMs });
    sandbox.state.groups[0]!.subject = "G-1 | Renamed";
    sandbox.state.groups[1]!.announce = true;
    sandbox.log.length = 0;
    const t0 = Date.now();
    const sent = [];
    for (let i = 0; i < 300; i++) sent.push(signed(w, update(i % 2 ? G1 : G2)));
    expect((await Promise.all(sent)).every((r) => r.status === 202)).toBe(true);
    const burstMs = Date.now() - t0;
    await until(() => sandbox.state.groups[0]!.subject === "G-1 | One" && !sandbox.state.groups[1]!.announce);
    await w.idle();
    const writes = sandbox.log.filter((e) => e.write).map((e) => decodeURIComponent(e.path));
    expect(writes.sort()).toEqual([
      `/groups/${G1}/subject`,
      `/groups/${G2}/settings/security/messages-admin-only`,
    ]);
    const reconciles = await total(w, "wagroups_watch_reconciles_total");
    // per group: one run per settle window the burst spanned, plus the one asked for during the last
    const bound = 2 * (Math.ceil(burstMs / settleMs) + 2);
    expect(reconciles).toBeLessThanOrEqual(bound);
    expect(await total(w, "wagroups_watch_events_coalesced_total")).toBe(300 - reconciles);
    expect(await total(w, "wagroups_watch_writes_total")).toBe(2);
  });

  it("an unsafe reconcile is not applied: logged and counted", async () => {
    const many = Array.from({ length: 8 }, (_, i) => member(20 + i));
    const state = sbState([
      adminGroup(G1, "G-1 | One", member(2), member(3)),
      adminGroup(G2, "G-2 | Two", member(2), member(3)),
    ]);
    const { w, sandbox } = await start({ state });
    sandbox.state.groups[0]!.participants.push(...many);
    sandbox.log.length = 0;
    await signed(w, update(G1));
    await until(
      async () => (await counter(w, "wagroups_watch_reconciles_total"))['{"result":"unsafe"}'] === 1,
    );
    expect(sandbox.log.filter((e) => e.write)).toEqual([]);
    expect(sandbox.state.groups[0]!.participants).toHaveLength(12);
  });

  it("--dry-run only plans", async () => {
    const { w, sandbox } = await start({ dryRun: true });
    sandbox.state.groups[0]!.subject = "G-1 | Renamed";
    await signed(w, update(G1));
    await until(
      async () => (await counter(w, "wagroups_watch_reconciles_total"))['{"result":"dry-run"}'] === 1,
    );
    expect(sandbox.log.filter((e) => e.write)).toEqual([]);
    expect(sandbox.state.groups[0]!.subject).toBe("G-1 | Renamed");
  });

  it("an edited manifest is applied; a broken one keeps the last good fleet", async () => {
    const dir = fleetDir();
    const { w, sandbox } = await start({ dir });
    writeFileSync(
      path.join(dir, "G-2.yaml"),
      `serial: G-2\nsubject: Two, renamed in git\nadmins: ["${digits(1)}"]\nmembers: ["${digits(2)}", "${digits(3)}"]\n`,
    );
    await until(() => sandbox.state.groups[1]!.subject === "G-2 | Two, renamed in git");
    writeFileSync(path.join(dir, "G-1.yaml"), "serial: G-1\nsubject: [unclosed\n");
    await until(
      async () =>
        ((await counter(w, "wagroups_watch_manifest_reloads_total"))['{"result":"invalid"}'] ?? 0) >= 1,
    );
    // the last good G-1 still holds: drift is healed to it
    sandbox.state.groups[0]!.subject = "G-1 | Renamed";
    await signed(w, update(G1));
    await until(() => sandbox.state.groups[0]!.subject === "G-1 | One");
  });
});

describe("watch: goodbye", () => {
  it("someone who left by themselves gets the goodbye 1:1 once; someone wagroups removed does not", async () => {
    const state = sbState([adminGroup(G1, "G-1 | One", member(2), member(3), member(9))]);
    const { sandbox, client } = sandboxClient(state);
    const d: Desired = desired(
      [
        {
          ...group({ serial: "G-1", title: "One", admins: people(1), members: people(2, 3) }),
          goodbye: "Sorry to see you go.",
        } as never,
      ],
      config({ safety: { maxRemovalRatio: 1, minAdmins: 1 } }),
    );
    const metrics = new WatchMetrics(
      () => 0,
      () => undefined,
    );
    const r = new Reconciler({
      client,
      self: sandbox.self,
      fleet: () => d,
      bucket: () => new TokenBucket(6000),
      metrics,
      log: silent,
      dryRun: false,
    });
    await r.resync();
    // n(9) is not listed: the reconcile removes them; n(3) leaves by themselves
    await r.reconcile("G-1");
    expect(sandbox.state.groups[0]!.participants.map((p) => p.jid)).not.toContain(n(9));
    sandbox.state.groups[0]!.participants = sandbox.state.groups[0]!.participants.filter(
      (p) => p.jid !== n(3),
    );
    expect(r.serialOf(G1)).toBe("G-1");
    r.noteLeft("G-1", G1, [n(3), n(9), sandbox.self]);
    await r.reconcile("G-1");
    const texts = () =>
      sandbox.log.filter((e) => e.path === "/send/text").map((e) => (e.body as { chatId: string }).chatId);
    expect(texts()).toEqual([n(3)]);
    // they come back (re-added by the reconcile) and leave again: the chat already holds the goodbye
    sandbox.state.groups[0]!.participants = sandbox.state.groups[0]!.participants.filter(
      (p) => p.jid !== n(3),
    );
    r.noteLeft("G-1", G1, [n(3)]);
    await r.reconcile("G-1");
    expect(texts()).toEqual([n(3)]);
    expect(
      (await metrics.registry.getSingleMetric("wagroups_watch_goodbyes_sent_total")?.get())?.values[0]?.value,
    ).toBe(1);
  });
});

describe("watch: which group an event is about", () => {
  it("by the last listing; else a declared serial in the event's subject, read in the configured format", async () => {
    const { sandbox, client } = sandboxClient(liveState());
    const d = desired([group({ serial: "G-1", title: "One" }), group({ serial: "G-2", title: "Two" })]);
    const metrics = new WatchMetrics(
      () => 0,
      () => undefined,
    );
    const r = new Reconciler({
      client,
      self: sandbox.self,
      fleet: () => d,
      bucket: () => new TokenBucket(6000),
      metrics,
      log: silent,
      dryRun: false,
    });
    expect(r.serialOf(G1)).toBeUndefined();
    expect(r.serialOf("120363000000000077@g.us", "G-2 | Made on a phone")).toBe("G-2");
    expect(r.serialOf("120363000000000077@g.us", "X-9 | Nobody declares it")).toBeUndefined();
    expect(r.serialOf("120363000000000077@g.us", "Group G-1 without the format")).toBeUndefined();
    await r.resync();
    expect(r.serialOf(G1)).toBe("G-1");
    expect(r.serialOf(G2, "G-1 | a wrong hint")).toBe("G-2");
  });
});
