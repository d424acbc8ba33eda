// The executor: a Plan -> calls through the narrow Mutator, in order, throttled, one group's failure
// never stopping the others. It needs nothing but the plan and its ports: a saved plan is executed as
// saved. Everything it does can be interrupted and finished by running it again.

import { type Clock, realClock } from "../clock.js";
import { ApiError } from "../errors.js";
import type { AddOutcome, LiveReader, Mutator } from "../live/types.js";
import { subjectParser } from "../manifest/subject.js";
import { SETTING_KEYS, type SettingKey } from "../manifest/types.js";
import {
  assertNever,
  type Change,
  type GroupPlan,
  type LabelChange,
  type Plan,
  type PlanContext,
} from "../plan/change.js";
import { mapLimit } from "../pool.js";
import { optional } from "../wawp/errors.js";
import { interpretAdds } from "./adds.js";
import { type InviteContext, invite } from "./invites.js";
import { deferred, iconFile, postOnce, refusedBy, startedAs, tolerate, unsupported } from "./steps.js";
import { CreateBudget, TokenBucket } from "./throttle.js";
import { throttled } from "./throttled.js";

export type GroupStatus = "done" | "deferred" | "failed" | "skipped";

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
  /** the account-wide label changes (managed labels), when the plan had any */
  labels?: GroupResult;
  writes: number;
  /** the run left work undone: exit 3 */
  incomplete: boolean;
}

export interface ExecutePorts {
  reader: LiveReader;
  mutator: Mutator;
  clock?: Clock;
  /** the write budget; shared when several executions run in one process */
  bucket?: TokenBucket;
  /** reads an icon file named by a setIcon change (default: from disk, relative to the working directory) */
  readFile?: (file: string) => Uint8Array;
  onGroup?: (r: GroupResult, done: number, total: number) => void;
}

class Deferred extends Error {
  constructor(
    message: string,
    readonly retryAt: number,
  ) {
    super(message);
  }
}

export async function execute(plan: Plan, ports: ExecutePorts): Promise<ApplyReport> {
  const ctx = plan.context;
  const clock = ports.clock ?? realClock;
  const bucket = ports.bucket ?? new TokenBucket(ctx.limits.requestsPerMinute, clock);
  const budget = new CreateBudget(ctx.limits.createsPerHour, ctx.recentCreations, clock);
  const work = plan.groups.filter((g) => g.changes.length && !g.blocked);
  // account-wide label changes first: a label a group needs may be created here
  const labels = plan.labels?.length ? await applyLabels(plan.labels, ports, bucket) : undefined;
  const labelIds = labels?.ids ?? {};
  let finished = 0;
  const results = await mapLimit(work, ctx.limits.concurrency, async (g) => {
    const counter = { writes: 0 };
    const mutator = throttled(ports.mutator, bucket, counter);
    const r = await applyGroup(g, ctx, { ...ports, mutator }, budget, clock, labelIds);
    r.writes = counter.writes;
    ports.onGroup?.(r, ++finished, work.length);
    return r;
  });
  for (const g of plan.groups)
    if (g.blocked)
      results.push({ serial: g.serial, status: "failed", notes: [g.blocked], invited: [], writes: 0 });
  const all = labels ? [labels.result, ...results] : results;
  return {
    groups: results,
    ...(labels ? { labels: labels.result } : {}),
    writes: all.reduce((n, r) => n + r.writes, 0),
    incomplete: all.some((r) => r.status === "deferred" || r.status === "failed"),
  };
}

async function applyGroup(
  g: GroupPlan,
  ctx: PlanContext,
  ports: ExecutePorts & { mutator: Mutator },
  budget: CreateBudget,
  clock: Clock,
  /** ids of the labels this run created */
  created: Readonly<Record<string, string>>,
): Promise<GroupResult> {
  const m = ports.mutator;
  const r: GroupResult = { serial: g.serial, status: "done", notes: [], invited: [], writes: 0 };
  if (g.groupId) r.groupId = g.groupId;
  const inviteCtx: InviteContext = {
    reader: ports.reader,
    mutator: m,
    invites: ctx.invites,
    group: { id: g.groupId ?? "", subject: g.subject },
    now: () => Math.floor(clock.now() / 1000),
  };
  /** people who did not end up in the group; promotions skip them */
  const refused = new Set<string>();
  let undone = false;
  const handleAdds = async (answer: AddOutcome[], retried = false): Promise<void> => {
    let outcomes = answer;
    if (outcomes.some((o) => o.code === 0)) {
      // the answer did not say what became of someone: the group itself does (one read)
      const read = await optional(ports.reader.readParticipants(inviteCtx.group.id), () => undefined);
      const present = read ? new Set(read.participants.map((p) => p.jid)) : undefined;
      if (present)
        outcomes = outcomes.map((o) => {
          if (o.code !== 0) return o;
          if (present.has(o.jid)) return { ...o, code: 200 };
          // asked twice and still not in: most likely their privacy settings; the invite link goes
          return retried
            ? { ...o, code: 403, message: "not in the group after two asks; the engine did not say why" }
            : o;
        });
    }
    const v = interpretAdds(outcomes, retried);
    for (const { jid, engineSent } of v.invite) {
      refused.add(jid);
      const res = await invite(inviteCtx, jid, engineSent);
      if (res === "disabled") {
        r.notes.push(`${jid} refuses adds and invites.fallback is off`);
        undone = true;
      } else r.invited.push(jid);
    }
    if (v.askAgain.length) await handleAdds(await m.addParticipants(inviteCtx.group.id, v.askAgain), true);
    for (const f of v.failed) {
      refused.add(f.jid);
      r.notes.push(f.note);
      undone = true;
    }
    r.notes.push(...v.unsure);
  };

  /** settings the new group already has as declared (read after the create): not set again */
  const alreadySet = new Set<string>();
  const changes = [...g.changes];
  try {
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      const id = inviteCtx.group.id;
      switch (c.kind) {
        case "create": {
          if (!budget.claim()) {
            const at = budget.nextFree();
            throw new Deferred(
              `creation budget used up (limits.createsPerHour ${ctx.limits.createsPerHour}); next slot at ${new Date(at).toISOString()}`,
              at,
            );
          }
          const created = await create(c, g.serial, ctx, ports.reader, m, clock);
          inviteCtx.group.id = created.id;
          r.groupId = created.id;
          const start = await startedAs(ports.reader, created.id, c);
          // settings: how this engine started the group decides which writes are needed
          for (const [key, value] of Object.entries(start.settings))
            if (value === c.settings[key as SettingKey]) alreadySet.add(key);
          const planned = new Set(changes.flatMap((x) => (x.kind === "setSetting" ? [x.setting] : [])));
          const extra: Change[] = SETTING_KEYS.filter(
            (k) => !planned.has(k) && start.settings[k] !== undefined && start.settings[k] !== c.settings[k],
          ).map((k) => ({ kind: "setSetting", setting: k, from: start.settings[k], to: c.settings[k] }));
          const at = changes.findIndex((x) => x.kind === "addParticipants" || x.kind === "promote");
          changes.splice(at < 0 ? changes.length : at, 0, ...extra);
          // whoever the reply called added but the group does not hold is asked again, explicitly
          await handleAdds(
            created.outcomes.map((o) =>
              o.code === 200 && start.present && !start.present.has(o.jid) ? { ...o, code: 0 } : o,
            ),
          );
          break;
        }
        case "setSubject":
          await m.setSubject(id, c.to);
          inviteCtx.group.subject = c.to;
          break;
        case "setDescription":
          await m.setDescription(id, c.to);
          break;
        case "setIcon":
          await m.setPicture(id, iconFile(c, ports.readFile));
          break;
        case "setSetting":
          if (!alreadySet.has(c.setting))
            await unsupported(r, `${c.setting} cannot be set on this server`, () =>
              m.setSetting(id, c.setting, c.to),
            );
          break;
        case "addParticipants":
          await handleAdds(await m.addParticipants(id, c.participants));
          break;
        case "promote": {
          const who = c.participants.filter((j) => !refused.has(j));
          if (who.length) undone = refusedBy(r, "promoted", await m.promote(id, who)) || undone;
          break;
        }
        case "demote":
          undone = refusedBy(r, "demoted", await m.demote(id, c.participants)) || undone;
          break;
        case "removeParticipants":
          undone = refusedBy(r, "removed", await m.removeParticipants(id, c.participants)) || undone;
          break;
        case "sendInvites":
          for (const jid of c.participants) {
            const res = await invite(inviteCtx, jid);
            if (res !== "disabled") r.invited.push(jid);
          }
          break;
        case "setLabels": {
          // the route replaces the chat's whole set: what is there stays unless a managed label goes
          const current = await ports.reader.chatLabels(id);
          const remove = new Set(current.filter((l) => c.remove.includes(l.name)).map((l) => l.id));
          const next = current.map((l) => l.id).filter((x) => !remove.has(x));
          for (const name of c.add) {
            const labelId = c.ids[name] ?? created[name];
            if (labelId) next.push(labelId);
            else r.notes.push(`label "${name}" does not exist`);
          }
          const want = [...new Set(next)];
          const same = want.length === current.length && current.every((l) => want.includes(l.id));
          if (!same) await m.setChatLabels(id, want);
          break;
        }
        case "welcome":
          await postOnce(id, c.message, ports.reader, m);
          break;
        case "farewell":
          await postOnce(id, c.message, ports.reader, m);
          break;
        case "leave":
          await tolerate([403, 404], () => m.leave(id));
          break;
        case "delete":
          await unsupported(
            r,
            "retirement complete: this engine cannot delete groups, and the instance has left",
            () => tolerate([403, 404], () => m.deleteGroup(id)),
          );
          break;
        default:
          assertNever(c);
      }
    }
  } catch (e) {
    if (e instanceof Deferred) return deferred(r, e.retryAt, e.message);
    if (e instanceof ApiError && e.status === 429)
      return deferred(r, clock.now() + (e.retryAfterMs ?? 60_000), `rate limited by the API: ${e.message}`);
    r.status = "failed";
    r.notes.push((e as Error).message);
    return r;
  }
  if (undone) r.status = "failed";
  return r;
}

/** Managed labels: created with their colour, or their colour corrected. Returns the new labels' ids. */
async function applyLabels(
  changes: readonly LabelChange[],
  ports: ExecutePorts,
  bucket: TokenBucket,
): Promise<{ ids: Record<string, string>; result: GroupResult }> {
  const counter = { writes: 0 };
  const m = throttled(ports.mutator, bucket, counter);
  const result: GroupResult = { serial: "(labels)", status: "done", notes: [], invited: [], writes: 0 };
  const ids: Record<string, string> = {};
  for (const c of changes) {
    try {
      if (c.kind === "createLabel") ids[c.name] = (await m.createLabel(c.name, c.color)).id;
      else await m.updateLabel(c.id, { name: c.name, color: c.to });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      result.status = "failed";
      result.notes.push(`label "${c.name}": ${e.message}`);
    }
  }
  result.writes = counter.writes;
  return { ids, result };
}

/**
 * Create, never twice. Right before it, the listing is read once more: a group that carries the serial
 * by now (another run, a listing that lagged) is not created again. After a lost reply the group is
 * looked for by its serial; if it is not there yet, the group is deferred to the next run rather than
 * created a second time in this one.
 */
async function create(
  c: Extract<Change, { kind: "create" }>,
  serial: string,
  ctx: PlanContext,
  reader: LiveReader,
  m: Mutator,
  clock: Clock,
): Promise<{ id: string; outcomes: AddOutcome[] }> {
  const parse = subjectParser(ctx.subjectFormat, ctx.serialPattern);
  const find = async () => (await reader.listGroups()).find((g) => parse(g.subject) === serial);
  const already = await find();
  if (already)
    throw new Deferred(
      `a group with serial ${serial} appeared since the plan was made (${already.id}); the next run adopts it instead of creating another`,
      clock.now(),
    );
  try {
    return await m.createGroup(c.subject, c.participants);
  } catch (e) {
    if (!(e instanceof ApiError) || !e.uncertain) throw e;
    const found = await find();
    if (!found)
      throw new Deferred(
        `the create answer was lost and the group is not listed yet; the next run looks for it again before creating (${e.message})`,
        clock.now() + 60_000,
      );
    const present = new Set(
      (found.participants ?? (await reader.getParticipants(found.id))).map((p) => p.jid),
    );
    return {
      id: found.id,
      outcomes: c.participants.map((jid) => ({ jid, code: present.has(jid) ? 200 : 0 })),
    };
  }
}
