// What one run is about, computed once from the manifests and the listing and handed to both the live
// read and the planner: which live group is which manifest's (identity) and which serials are in scope
// (--group targets, --shard).
import type { LiveGroup } from "../live/types.js";
import type { Config, DesiredGroup } from "../manifest/types.js";
import { type Identity, matchGroups } from "./identity.js";
import { inShard, type Shard } from "./shard.js";

export interface ScopeOptions {
  /** only these serials (like terraform -target); empty = all */
  targets?: readonly string[];
  shard?: Shard;
}

export interface Scope {
  identity: Identity;
  /** the manifests this run plans, in manifest order */
  groups: DesiredGroup[];
  /** --group serials, for the unknown-target warning */
  targets: readonly string[];
  /** whether a serial hashes to this run's shard (orphans are reported by the shard they hash to) */
  owns(serial: string): boolean;
}

export function scopeFleet(
  desired: readonly DesiredGroup[],
  listing: readonly LiveGroup[],
  config: Config,
  opts: ScopeOptions = {},
): Scope {
  return { identity: matchGroups(desired, listing, config), ...scopeOf(desired, opts) };
}

/** Which manifests and serials a run is about, without the listing (a streaming plan matches as it reads). */
export function scopeOf(desired: readonly DesiredGroup[], opts: ScopeOptions = {}): Omit<Scope, "identity"> {
  const targets = opts.targets ?? [];
  const wanted = new Set(targets);
  const owns = (serial: string) => inShard(serial, opts.shard);
  return {
    groups: desired.filter((d) => (wanted.size === 0 || wanted.has(d.serial)) && owns(d.serial)),
    targets,
    owns,
  };
}
