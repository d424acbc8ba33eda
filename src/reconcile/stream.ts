// A plan made a listing page at a time, equal to plan() over the whole listing: each page is matched
// (IdentityStream), its groups in scope read further and diffed, and the page dropped. What spans pages
// is kept compactly: each planned group's GroupPlan and warnings by serial, its live member count (the
// fleet-wide removal ratio), the instance's recent creation times (the budget), and what IdentityStream
// keeps. Groups to create, blocked ones and the fleet-wide checks are decided after the last page, and
// everything is assembled in manifest order, as plan() does.
import { openLiveRead } from "../live/read.js";
import type { LiveGroup, LiveReader } from "../live/types.js";
import type { Desired } from "../manifest/types.js";
import type { GroupPlan, Plan, Warning } from "../plan/change.js";
import { IdentityStream, type StreamMatch } from "../plan/identity.js";
import {
  blockedGroup,
  finishPlan,
  groupPlanning,
  planGroup,
  recentCreation,
  Warnings,
} from "../plan/plan.js";
import { liveMembers } from "../plan/safety.js";
import { type ScopeOptions, scopeOf } from "../plan/scope.js";
import { mapLimit } from "../pool.js";

export interface StreamOptions extends ScopeOptions {
  /** Unix seconds */
  now: number;
  /** fingerprint each live group, for saved plans (default true) */
  fingerprints?: boolean;
}

/**
 * Plan `desired` (its config's `self` already resolved) against a listing given page by page, each
 * group once. A listing that fails, even after its last page, fails the plan.
 */
export async function streamPlan(
  reader: LiveReader,
  desired: Desired,
  pages: AsyncIterable<LiveGroup[]>,
  opts: StreamOptions,
): Promise<Plan> {
  const { config } = desired;
  const scope = scopeOf(desired.groups, opts);
  const inScope = new Map(scope.groups.map((d) => [d.serial, d]));
  const identity = new IdentityStream(desired.groups, config);
  const session = await openLiveRead(reader, scope.groups, config, { now: opts.now });
  const planned = new Map<string, { plan: GroupPlan; warnings: Warning[] }>();
  const members = new Map<string, number>();
  const creations: number[] = [];

  const planMatches = async (matches: readonly StreamMatch[]) => {
    const work = matches.flatMap((m) => {
      const d = inScope.get(m.serial);
      return d ? [{ d, m }] : [];
    });
    const read = await mapLimit(work, config.limits.concurrency, ({ d, m }) => session.read(d, m.group));
    // after the reads, so the chats they read count (a person's chat is read by the group they are absent from)
    const ctx = groupPlanning(config, session.fleet(), opts);
    work.forEach(({ d, m }, i) => {
      const lg = read[i]!;
      // warnings are replayed in manifest order at the end, as plan() raises them
      const warnings: Warning[] = [];
      planned.set(d.serial, { plan: planGroup(d, lg, m.normalized, ctx, (w) => warnings.push(w)), warnings });
      members.set(lg.id, liveMembers(lg, config.self));
    });
  };

  for await (const page of pages) {
    const matches: StreamMatch[] = [];
    const duplicates = new Set<string>();
    for (const g of page) {
      creations.push(...recentCreation(g, config.self, opts.now));
      const offered = identity.offer(g);
      matches.push(...offered.matched);
      if (offered.duplicate) {
        duplicates.add(offered.duplicate);
        planned.delete(offered.duplicate); // blocked now; its plan is never shown
      }
    }
    await planMatches(matches.filter((m) => !duplicates.has(m.serial)));
  }

  const end = identity.end();
  await planMatches(end.late);
  await session.warmUp(scope.groups.filter((d) => !d.retired && !end.matched.has(d.serial)));
  const fleet = session.fleet();
  const ctx = groupPlanning(config, fleet, opts);
  const warnings = new Warnings(fleet.notes ?? [], config);
  const groups = scope.groups.map((d) => {
    const blocked = blockedGroup(d, end);
    if (blocked) {
      warnings.warn(blocked.warning);
      return blocked.plan;
    }
    const done = planned.get(d.serial);
    if (!done) return planGroup(d, undefined, false, ctx, warnings.warn);
    for (const w of done.warnings) warnings.warn(w);
    return done.plan;
  });
  return finishPlan(desired, scope, groups, warnings, {
    orphans: end.orphans,
    shadowed: end.shadowed,
    membersOf: (id) => members.get(id),
    recentCreations: creations,
    ...(fleet.labels ? { labels: fleet.labels } : {}),
    now: opts.now,
  });
}
