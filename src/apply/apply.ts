// The executor: a Plan -> calls through the narrow Mutator, in order, throttled, one group's failure
// never stopping the others. Everything it does can be interrupted and finished by running it again.
import { readFileSync } from "node:fs";
import { ApiError } from "../errors.js";
import type { AddOutcome, LiveGroup, LiveReader, Mutator } from "../live.js";
import { subjectParser } from "../manifest/subject.js";
import type { Config, DesiredGroup } from "../manifest/types.js";
import type { Change, GroupPlan, Plan } from "../plan/change.js";
import { mapLimit } from "../pool.js";
import { optional } from "../wawp/errors.js";
import { invite, sendOnce } from "./invites.js";
import { type Clock, CreateBudget, realClock, TokenBucket } from "./throttle.js";

export type GroupStatus = "done" | "deferred" | "failed" | "skipped" | "unchanged";

export interface GroupResult {
  serial: string;
  groupId?: string;
  status: GroupStatus;
  /** what went wrong or was left, one line each */
  notes: string[];
  /** people sent the invite link (or invited by the engine) */
  invited: string[];
  /** writes this group took */
  writes: number;
  /** when the deferred work can go, ms since the epoch */
  retryAt?: number;
}

export interface ApplyReport {
  groups: GroupResult[];
  writes: number;
  /** the run left work undone: exit 3 */
  incomplete: boolean;
}

export interface ExecutorDeps {
  reader: LiveReader;
  mutator: Mutator;
  config: Config;
  /** serial -> manifest, for icon files */
  desired: Map<string, DesiredGroup>;
  /** the groups read for the plan (creation times feed the hourly budget) */
  live: LiveGroup[];
  labelIds?: Record<string, string>;
  clock?: Clock;
  bucket?: TokenBucket;
  onGroup?: (r: GroupResult, done: number, total: number) => void;
}

/** Counts and throttles every write; the one door all mutations go through. */
class Writer {
  count = 0;
  constructor(
    private readonly bucket: TokenBucket,
    readonly m: Mutator,
  ) {}
  async do<T>(fn: (m: Mutator) => Promise<T>): Promise<T> {
    await this.bucket.take();
    this.count++;
    return fn(this.m);
  }
}

class Deferred extends Error {
  constructor(
    message: string,
    readonly retryAt: number,
  ) {
    super(message);
  }
}

export async function execute(plan: Plan, deps: ExecutorDeps): Promise<ApplyReport> {
  const clock = deps.clock ?? realClock;
  const bucket = deps.bucket ?? new TokenBucket(deps.config.limits.requestsPerMinute, clock);
  const self = deps.config.self;
  const recent = deps.live
    .filter((g) => g.owner === self && g.creation !== undefined)
    .map((g) => g.creation!);
  const budget = new CreateBudget(deps.config.limits.createsPerHour, recent, clock);
  const work = plan.groups.filter((g) => g.changes.length && !g.blocked);
  let finished = 0;
  const results = await mapLimit(work, deps.config.limits.concurrency, async (g) => {
    const writer = new Writer(bucket, deps.mutator);
    const r = await applyGroup(g, plan, deps, writer, budget, clock);
    r.writes = writer.count;
    deps.onGroup?.(r, ++finished, work.length);
    return r;
  });
  for (const g of plan.groups)
    if (g.blocked)
      results.push({ serial: g.serial, status: "failed", notes: [g.blocked], invited: [], writes: 0 });
  const writes = results.reduce((n, r) => n + r.writes, 0);
  return {
    groups: results,
    writes,
    incomplete: results.some((r) => r.status === "deferred" || r.status === "failed"),
  };
}

async function applyGroup(
  g: GroupPlan,
  _plan: Plan,
  deps: ExecutorDeps,
  w: Writer,
  budget: CreateBudget,
  clock: Clock,
): Promise<GroupResult> {
  const r: GroupResult = { serial: g.serial, status: "done", notes: [], invited: [], writes: 0 };
  if (g.groupId) r.groupId = g.groupId;
  const now = () => Math.floor(clock.now() / 1000);
  const inviteCtx = {
    reader: deps.reader,
    mutator: countingMutator(w),
    config: deps.config,
    group: { id: g.groupId ?? "", subject: g.subject },
    now,
  };
  /** people actually in the group after this run's adds; promotions skip the rest */
  const refused = new Set<string>();
  let undone = false;
  const outcomes = async (list: AddOutcome[], retried = false) => {
    for (const o of list) {
      if (o.code === 200 || o.code === 409) continue;
      refused.add(o.jid);
      if (o.code === 403 || o.code === 417) {
        const res = await invite(inviteCtx, o.jid, o.inviteSent === true);
        if (res === "sent" || res === "engine" || res === "already") r.invited.push(o.jid);
        else {
          r.notes.push(`${o.jid} refuses adds and invites.fallback is off`);
          undone = true;
        }
      } else if (o.code === 0 && !retried) {
        // the answer did not say what became of them: add them once more, explicitly
        const again = await w.do((m) => m.addParticipants(inviteCtx.group.id, [o.jid]));
        refused.delete(o.jid);
        await outcomes(again, true);
      } else if (o.code === 0) {
        // still no word: the next plan reads the group and knows
        r.notes.push(`${o.jid}: the API did not say whether they were added; the next plan will tell`);
      } else {
        const why: Record<number, string> = {
          404: "is not on WhatsApp: fix the manifest",
          408: "left the group recently; WhatsApp refuses to add them again yet (a later run retries)",
          419: "cannot be added: the group is full (1,024)",
        };
        r.notes.push(
          `${o.jid} ${why[o.code] ?? `was not added (code ${o.code}${o.message ? `: ${o.message}` : ""})`}`,
        );
        undone = true;
      }
    }
  };

  try {
    for (const c of g.changes) {
      const id = inviteCtx.group.id;
      switch (c.kind) {
        case "create": {
          if (!budget.claim()) {
            const at = budget.nextFree();
            throw new Deferred(
              `creation budget used up (limits.createsPerHour ${deps.config.limits.createsPerHour}); next slot at ${new Date(at).toISOString()}`,
              at,
            );
          }
          const created = await create(c, g.serial, deps, w);
          inviteCtx.group.id = created.id;
          r.groupId = created.id;
          await outcomes(created.outcomes);
          break;
        }
        case "setSubject":
          await w.do((m) => m.setSubject(id, c.to));
          inviteCtx.group.subject = c.to;
          break;
        case "setDescription":
          await w.do((m) => m.setDescription(id, c.to));
          break;
        case "setIcon": {
          const file = iconFile(g.serial, c, deps);
          await w.do((m) => m.setPicture(id, file));
          break;
        }
        case "setSetting":
          await w.do((m) => m.setSetting(id, c.setting, c.to));
          break;
        case "addParticipants":
          await outcomes(await w.do((m) => m.addParticipants(id, c.participants)));
          break;
        case "promote": {
          const who = c.participants.filter((j) => !refused.has(j));
          if (who.length) await w.do((m) => m.promote(id, who));
          break;
        }
        case "demote":
          await w.do((m) => m.demote(id, c.participants));
          break;
        case "removeParticipants":
          await w.do((m) => m.removeParticipants(id, c.participants));
          break;
        case "sendInvites":
          for (const jid of c.participants) {
            const res = await invite(inviteCtx, jid);
            if (res !== "disabled") r.invited.push(jid);
          }
          break;
        case "addLabels": {
          const add: string[] = [];
          for (const name of c.labels) {
            const labelId = deps.labelIds?.[name];
            if (labelId) add.push(labelId);
            else r.notes.push(`label "${name}" does not exist`);
          }
          if (!add.length) break;
          // the route replaces the chat's whole set: keep what is there (labels others put on it)
          const current = (await deps.reader.chatLabels(id)).map((l) => l.id);
          const union = [...new Set([...current, ...add])];
          if (union.length > current.length) await w.do((m) => m.setChatLabels(id, union));
          break;
        }
        case "farewell":
          await farewell(id, c.message, deps, w);
          break;
        case "leave":
          await tolerate([403, 404], () => w.do((m) => m.leave(id)));
          break;
        case "delete":
          await tolerate([403, 404], () => w.do((m) => m.deleteGroup(id)));
          break;
      }
    }
  } catch (e) {
    if (e instanceof Deferred) {
      r.status = "deferred";
      r.retryAt = e.retryAt;
      r.notes.push(e.message);
      return r;
    }
    if (e instanceof ApiError && e.status === 429) {
      r.status = "deferred";
      r.retryAt = clock.now() + (e.retryAfterMs ?? 60_000);
      r.notes.push(`rate limited by the API: ${e.message}`);
      return r;
    }
    r.status = "failed";
    r.notes.push((e as Error).message);
    return r;
  }
  if (undone) r.status = "failed";
  return r;
}

/** Adapts the invite sender to the counted, throttled writer. */
function countingMutator(w: Writer): Mutator {
  return new Proxy(w.m, {
    get(target, prop: keyof Mutator) {
      const fn = target[prop];
      if (typeof fn !== "function") return fn;
      return (...args: unknown[]) =>
        w.do(() => (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args));
    },
  });
}

async function tolerate(statuses: number[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof ApiError) || !statuses.includes(e.status)) throw e;
  }
}

/**
 * Create, never twice: after a lost reply the group is looked up by its serial before trying again.
 */
async function create(
  c: Extract<Change, { kind: "create" }>,
  serial: string,
  deps: ExecutorDeps,
  w: Writer,
): Promise<{ id: string; outcomes: AddOutcome[] }> {
  const parse = subjectParser(deps.config.subjectFormat, deps.config.serialPattern);
  const find = async () => (await deps.reader.listGroups()).find((g) => parse(g.subject) === serial);
  for (let attempt = 1; ; attempt++) {
    try {
      return await w.do((m) => m.createGroup(c.subject, c.participants));
    } catch (e) {
      if (!(e instanceof ApiError) || !e.uncertain) throw e;
      const found = await find();
      if (found) {
        const present = new Set(
          (found.participants ?? (await deps.reader.getParticipants(found.id))).map((p) => p.jid),
        );
        return {
          id: found.id,
          outcomes: c.participants.map((jid) => ({ jid, code: present.has(jid) ? 200 : 0 })),
        };
      }
      if (attempt >= 2) throw e;
    }
  }
}

async function farewell(groupId: string, message: string, deps: ExecutorDeps, w: Writer): Promise<void> {
  const sent = async () =>
    ((await optional(deps.reader.recentMessages(groupId, 50), () => undefined)) ?? []).some(
      (m) => m.fromMe && m.body.trim() === message.trim(),
    );
  await sendOnce(() => w.do((m) => m.sendText(groupId, message)), sent);
}

function iconFile(serial: string, c: Extract<Change, { kind: "setIcon" }>, deps: ExecutorDeps) {
  const d = deps.desired.get(serial);
  if (!d?.icon) throw new Error(`${serial}: the manifest no longer declares an icon`);
  if (d.icon.sha256 !== c.to)
    throw new Error(`${serial}: icon ${d.icon.path} changed since the plan was made`);
  const data = readFileSync(d.icon.absPath).toString("base64");
  return { data, mimetype: d.icon.mimetype, filename: d.icon.path.split("/").pop() ?? "icon" };
}
