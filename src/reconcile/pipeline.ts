// The pipeline every entry point shares (the CLI's plan, apply and import, the library, watch):
// load -> resolve the instance -> read live -> plan -> execute, as plain functions of plain data. One
// group or the whole fleet goes through the same path; no stage writes into an earlier stage's output.

import type { GroupResult } from "../apply/execute.js";
import { readLive } from "../live/read.js";
import type { Live, LiveGroup, LiveReader } from "../live/types.js";
import type { Desired } from "../manifest/types.js";
import type { GroupPlan, Plan } from "../plan/change.js";
import { fingerprint } from "../plan/fingerprint.js";
import { plan, recentCreation } from "../plan/plan.js";
import { planSafety } from "../plan/safety.js";
import { type Scope, type ScopeOptions, scopeFleet } from "../plan/scope.js";
import { resolveInstance } from "./instance.js";
import { streamPlan } from "./stream.js";

/** The instance a run talks to: how to read it, and its own number when the backend knows it. */
export interface Instance {
  reader: LiveReader;
  self?: string;
}

export interface PlanRequest extends ScopeOptions {
  /** the manifests; a promise lets the listing be requested while they load */
  desired: Desired | Promise<Desired>;
  /** Unix seconds (default: now) */
  now?: number;
  /** fingerprint each live group, for saved plans (default true) */
  fingerprints?: boolean;
  /** lines for stderr (an inferred instance number) */
  notice?: (line: string) => void;
}

export interface Planned {
  /** the manifests, with the instance's number resolved into their configuration */
  desired: Desired;
  live: Live;
  scope: Scope;
  plan: Plan;
}

/** Read everything a plan for this scope needs. The listing is requested before the manifests are awaited. */
export async function observe(instance: Instance, req: PlanRequest): Promise<Omit<Planned, "plan">> {
  return observeListing(instance, req, instance.reader.listGroups());
}

async function observeListing(
  instance: Instance,
  req: PlanRequest,
  listing: Promise<LiveGroup[]>,
): Promise<Omit<Planned, "plan">> {
  listing.catch(() => undefined); // awaited below, after the manifests are known to be good
  const loaded = await req.desired;
  const groups = await listing;
  const resolved = resolveInstance(loaded.config, groups, instance.self);
  if (resolved.notice) req.notice?.(resolved.notice);
  const desired: Desired = { ...loaded, config: resolved.config };
  const scope = scopeFleet(desired.groups, groups, desired.config, req);
  const now = req.now ?? Math.floor(Date.now() / 1000);
  const live = await readLive(instance.reader, groups, scope, desired.config, { now });
  return { desired, live, scope };
}

/** Load, read live, plan: what `plan` prints and `apply` executes, with the live state it was made from. */
export async function planFleet(instance: Instance, req: PlanRequest): Promise<Planned> {
  return planObserved(await observe(instance, req), req);
}

function planObserved(seen: Omit<Planned, "plan">, req: PlanRequest): Planned {
  const now = req.now ?? Math.floor(Date.now() / 1000);
  const p = plan(seen.desired, seen.live, {
    now,
    scope: seen.scope,
    fingerprints: req.fingerprints !== false,
  });
  p.createdAt = new Date(now * 1000).toISOString();
  return { ...seen, plan: p };
}

/** A reader that can give the listing a page at a time (the Wawp client). */
export interface PagedReader extends LiveReader {
  listGroupPages(): AsyncIterable<LiveGroup[]>;
}

const isPaged = (r: LiveReader): r is PagedReader =>
  typeof (r as Partial<PagedReader>).listGroupPages === "function";

/**
 * The same plan as planFleet, without holding the fleet: each listing page is matched, read further,
 * diffed and dropped; only what spans pages is kept (see IdentityStream). Where the instance's number
 * must be inferred from every group (no self configured or known), the whole listing is read first.
 */
export async function planStreaming(
  instance: Instance,
  req: PlanRequest,
): Promise<{ desired: Desired; plan: Plan }> {
  const { reader } = instance;
  if (!isPaged(reader)) return planFleet(instance, req);
  const pages = reader.listGroupPages()[Symbol.asyncIterator]();
  // the listing is requested before the manifests are awaited, as observe does
  let first: Promise<IteratorResult<LiveGroup[]>> | undefined = pages.next();
  first.catch(() => undefined);
  const loaded = await req.desired;
  if (!loaded.config.self && !instance.self) {
    const all: LiveGroup[] = [];
    const r0 = await first;
    first = undefined;
    for (let r = r0; !r.done; r = await pages.next()) all.push(...r.value);
    return planObserved(
      await observeListing(instance, { ...req, desired: loaded }, Promise.resolve(all)),
      req,
    );
  }
  const desired: Desired = { ...loaded, config: resolveInstance(loaded.config, [], instance.self).config };
  const now = req.now ?? Math.floor(Date.now() / 1000);
  const p = await streamPlan(
    reader,
    desired,
    (async function* () {
      // `first` is let go of once awaited: held by this closure, page one would live all run
      let r = await (first as Promise<IteratorResult<LiveGroup[]>>);
      first = undefined;
      for (; !r.done; r = await pages.next()) yield r.value;
    })(),
    { ...req, now },
  );
  p.createdAt = new Date(now * 1000).toISOString();
  return { desired, plan: p };
}

export interface Rechecked {
  /** the saved plan, narrowed to the groups whose live state is still what it was planned from */
  plan: Plan;
  /** groups left out because the live group changed since the plan was made */
  skipped: GroupResult[];
}

/**
 * A saved plan against the live state as it is now: groups whose live state changed are skipped; safety
 * is recomputed from the plan's changes and the live groups (the file's own `unsafe` is never trusted);
 * the creation budget is read again. The changes themselves are executed as saved.
 */
export function recheckSaved(saved: Plan, now: Omit<Planned, "plan">, nowUnix: number): Rechecked {
  const { identity } = now.scope;
  const liveById = new Map(now.live.groups.map((g) => [g.id, g]));
  const current = (serial: string): LiveGroup | undefined => {
    const g = identity.matched.get(serial);
    return g ? (liveById.get(g.id) ?? g) : undefined;
  };
  const kept: GroupPlan[] = [];
  const skipped: GroupResult[] = [];
  for (const g of saved.groups) {
    if (!g.changes.length) continue;
    const lg = current(g.serial);
    const blocked = identity.duplicates.has(g.serial) || identity.takeovers.has(g.serial);
    const stale =
      blocked ||
      (g.action === "create"
        ? lg !== undefined
        : !lg || lg.id !== g.groupId || fingerprint(lg) !== g.fingerprint);
    if (stale)
      skipped.push({
        serial: g.serial,
        status: "skipped",
        notes: ["the live group changed since the plan was made; run plan again"],
        invited: [],
        writes: 0,
      });
    else kept.push(g);
  }
  const { config } = now.desired;
  const self = saved.context.self ?? config.self;
  const rules = { ...(self ? { self } : {}), safety: config.safety };
  return {
    plan: {
      ...saved,
      groups: kept,
      unsafe: planSafety(kept, liveById, rules),
      context: {
        ...saved.context,
        recentCreations: now.live.groups.flatMap((lg) => recentCreation(lg, self, nowUnix)),
      },
    },
    skipped,
  };
}
