// One group's reconcile, the way `apply --auto-approve --group SERIAL` does it (the same pipeline and
// executor, one write budget for the whole process), plus the full resync and the goodbye. Each run
// decides from a fresh read; events only choose which group runs sooner.
import { execute } from "../apply/execute.js";
import { sendOnce } from "../apply/invites.js";
import type { TokenBucket } from "../apply/throttle.js";
import { throttled } from "../apply/throttled.js";
import { sentText } from "../live/recognise.js";
import type { LiveGroup, LiveReader, Mutator } from "../live/types.js";
import type { Logger } from "../logger.js";
import { subjectParser } from "../manifest/subject.js";
import type { Desired } from "../manifest/types.js";
import type { Plan } from "../plan/change.js";
import { renderText } from "../plan/render/text.js";
import { type Instance, type Planned, planFleet } from "../reconcile/index.js";
import { focusedReader, type GroupCaller, readOneGroup } from "./focus.js";
import type { ReconcileResult, WatchMetrics } from "./metrics.js";

export interface ReconcilerDeps {
  client: LiveReader & Mutator & GroupCaller;
  /** the instance's own number when the backend knows it (the sandbox) */
  self?: string;
  /** the last good fleet */
  fleet: () => Desired;
  /** the one write budget of the process (replaced when limits.requestsPerMinute changes) */
  bucket: () => TokenBucket;
  metrics: WatchMetrics;
  log: Logger;
  dryRun: boolean;
}

/** People this process removed, per group: their leave event is not a goodbye. Bounded, oldest out. */
class Removed {
  private readonly keys = new Set<string>();
  add(groupId: string, jid: string): void {
    this.keys.add(`${groupId} ${jid}`);
    if (this.keys.size > 50_000) this.keys.delete(this.keys.values().next().value as string);
  }
  has(groupId: string, jid: string): boolean {
    return this.keys.has(`${groupId} ${jid}`);
  }
}

export class Reconciler {
  /** the last full listing; a focused read replaces one entry */
  private listing: LiveGroup[] | undefined;
  private readonly serialById = new Map<string, string>();
  private readonly idBySerial = new Map<string, string>();
  private readonly removed = new Removed();
  /** serial -> people who left by themselves and may be owed a goodbye */
  private readonly leavers = new Map<string, Set<string>>();
  /** set on SIGTERM: the call in flight finishes, the next one is not made */
  stopping = false;

  constructor(private readonly deps: ReconcilerDeps) {}

  /** The manifest serial an event's group belongs to, if any manifest declares it. */
  serialOf(groupId: string, subjectHint?: string): string | undefined {
    const fleet = this.deps.fleet();
    const known = this.serialById.get(groupId) ?? fleet.groups.find((d) => d.id === groupId)?.serial;
    if (known && fleet.groups.some((d) => d.serial === known)) return known;
    // a group not in the last listing (new, or renamed to a serial): its subject is only a hint; the
    // reconcile that follows reads the listing itself
    if (!subjectHint) return undefined;
    const serial = subjectParser(fleet.config.subjectFormat, fleet.config.serialPattern)(subjectHint);
    return serial && fleet.groups.some((d) => d.serial === serial) ? serial : undefined;
  }

  /** A person who left `groupId` by themselves (not removed by us) is owed the manifest's goodbye. */
  noteLeft(serial: string, groupId: string, jids: readonly string[]): void {
    const self = this.deps.self ?? this.deps.fleet().config.self;
    for (const jid of jids) {
      if (jid === self || this.removed.has(groupId, jid)) continue;
      const set = this.leavers.get(serial) ?? new Set<string>();
      this.leavers.set(serial, set);
      set.add(jid);
    }
  }

  private instance(reader: LiveReader): Instance {
    return { reader: this.guard(reader), ...(this.deps.self ? { self: this.deps.self } : {}) };
  }

  /** Reads the whole fleet; returns the serials that need a reconcile (each then re-reads its group). */
  async resync(): Promise<string[]> {
    const planned = await this.plan(this.deps.client, []);
    this.listing = planned.live.groups;
    this.learn(planned);
    const fleetWide = planned.plan.unsafe.filter(
      (u) => !planned.plan.groups.some((g) => g.unsafe?.includes(u)),
    );
    const due = planned.plan.groups.filter((g) => g.changes.length || g.blocked);
    if (fleetWide.length) {
      this.deps.log.warn(
        { unsafe: fleetWide },
        "resync: the fleet's removals are unsafe; groups that remove people are left alone",
      );
      this.deps.metrics.reconciles.inc({ result: "unsafe" });
    }
    const pending = [...this.leavers.keys()];
    return [
      ...new Set([
        ...due
          .filter((g) => !fleetWide.length || !g.changes.some((c) => c.kind === "removeParticipants"))
          .map((g) => g.serial),
        ...pending,
      ]),
    ];
  }

  /** Reconcile one group: a fresh read, a plan, and (unless unsafe or --dry-run) its writes. */
  async reconcile(serial: string): Promise<ReconcileResult> {
    const log = this.deps.log.child({ serial });
    const fleet = this.deps.fleet();
    const d = fleet.groups.find((g) => g.serial === serial);
    const { metrics } = this.deps;
    if (!d) {
      metrics.reconciles.inc({ result: "ignored" });
      return "ignored";
    }
    const planned = await this.planOne(serial);
    this.learn(planned);
    const p = planned.plan;
    const gp = p.groups.find((g) => g.serial === serial);
    let result: ReconcileResult = "no-change";
    if (gp && (gp.changes.length || gp.blocked)) {
      metrics.drift.inc();
      if (p.unsafe.length) {
        log.warn(
          { unsafe: p.unsafe },
          "the reconcile is unsafe: not applied (run apply --force after review)",
        );
        result = "unsafe";
      } else if (this.deps.dryRun) {
        log.info({ plan: renderText(p, { color: false }) }, "dry run: the plan is not applied");
        result = "dry-run";
      } else result = await this.apply(p, log);
    }
    const groupId = gp?.groupId ?? planned.scope.identity.matched.get(serial)?.id;
    const goodbye = d.goodbye;
    if (groupId && goodbye) await this.goodbyes(serial, goodbye, log);
    else this.leavers.delete(serial);
    metrics.reconciles.inc({ result });
    log.info({ result }, "reconciled");
    return result;
  }

  private async apply(p: Plan, log: Logger): Promise<ReconcileResult> {
    for (const g of p.groups)
      for (const c of g.changes)
        if (c.kind === "removeParticipants" && g.groupId)
          for (const j of c.participants) this.removed.add(g.groupId, j);
    const report = await execute(p, {
      reader: this.guard(this.deps.client),
      mutator: this.guard(this.deps.client),
      bucket: this.deps.bucket(),
    });
    this.deps.metrics.writes.inc(report.writes);
    const r = report.groups[0];
    for (const g of report.groups) if (g.groupId) this.remember(g.serial, g.groupId);
    if (!r) return "no-change";
    if (r.notes.length) log.warn({ notes: r.notes, writes: r.writes }, `reconcile ${r.status}`);
    return r.status === "done" ? "done" : r.status === "deferred" ? "deferred" : "failed";
  }

  /** The goodbye, once per person and group: sent unless our 1:1 chat with them already holds it. */
  private async goodbyes(serial: string, text: string, log: Logger): Promise<void> {
    const owed = this.leavers.get(serial);
    this.leavers.delete(serial);
    if (!owed?.size) return;
    const reader = this.guard(this.deps.client);
    const counter = { writes: 0 };
    const m = throttled(this.guard(this.deps.client), this.deps.bucket(), counter);
    for (const jid of owed) {
      const already = async () => sentText(await reader.recentMessages(jid, 50), text);
      if (await already()) continue;
      if (this.deps.dryRun) {
        log.info({ to: jid }, "dry run: a goodbye would be sent");
        continue;
      }
      await sendOnce(() => m.sendText(jid, text), already);
      this.deps.metrics.goodbyes.inc();
    }
    this.deps.metrics.writes.inc(counter.writes);
  }

  /** One group's plan: focused on one fresh read when the last listing knows the group, else a full read. */
  private async planOne(serial: string): Promise<Planned> {
    const id = this.idBySerial.get(serial);
    if (this.listing && id) {
      const fresh = await readOneGroup(this.guard(this.deps.client), id).catch(() => undefined);
      if (fresh) {
        const listing = this.listing.map((g) => (g.id === id ? fresh : g));
        const planned = await this.plan(focusedReader(this.deps.client, this.listing, fresh), [serial]);
        // still this serial's group, and not a create: the focused view is enough
        if (
          planned.scope.identity.matched.get(serial)?.id === id &&
          !planned.scope.identity.duplicates.has(serial)
        ) {
          this.listing = listing;
          return planned;
        }
      }
    }
    const planned = await this.plan(this.deps.client, [serial]);
    this.listing = planned.live.groups;
    return planned;
  }

  private plan(reader: LiveReader, targets: string[]): Promise<Planned> {
    return planFleet(this.instance(reader), {
      desired: this.deps.fleet(),
      targets,
      fingerprints: false,
    });
  }

  private learn(planned: Planned): void {
    for (const [serial, g] of planned.scope.identity.matched) this.remember(serial, g.id);
  }

  private remember(serial: string, id: string): void {
    const old = this.idBySerial.get(serial);
    if (old && old !== id) this.serialById.delete(old);
    this.idBySerial.set(serial, id);
    this.serialById.set(id, serial);
  }

  /** Every call through `t` refuses once watch is stopping: the call in flight is the last. */
  private guard<T extends object>(t: T): T {
    return new Proxy(t, {
      get: (target, prop, receiver) => {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => {
          if (this.stopping) return Promise.reject(new Error("watch is stopping"));
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
}
