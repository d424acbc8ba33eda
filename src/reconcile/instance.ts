// Which number the instance is. The configuration (self in wagroups.yaml, or WAWP_SELF) says so; the
// sandbox knows its own; otherwise it is the one number in every listed group, which is a guess and said so.
import type { LiveGroup } from "../live/types.js";
import type { Config } from "../manifest/types.js";
import { inferSelf } from "../plan/identity.js";

export interface ResolvedInstance {
  /** the configuration with `self` filled in when it could be told: a new object, the loaded one is untouched */
  config: Config;
  /** a line for stderr when `self` was inferred */
  notice?: string;
}

export function resolveInstance(
  config: Config,
  listing: readonly LiveGroup[],
  known?: string,
): ResolvedInstance {
  if (config.self) return { config };
  if (known) return { config: { ...config, self: known } };
  const self = inferSelf(listing);
  if (!self) return { config };
  return {
    config: { ...config, self },
    notice: `wagroups: self is not configured; the instance is ${self.split("@")[0]} (the one number in every group); set WAWP_SELF to be sure`,
  };
}
