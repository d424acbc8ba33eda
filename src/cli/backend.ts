// Which backend a command talks to, decided from the environment alone (SPEC "Backends, credentials and
// the sandbox"). The sandbox is the default only where nobody could mistake it for production.
import { ConfigError } from "../errors.js";

export type Backend =
  | { kind: "wawp"; instanceId: string; accessToken: string; baseUrl?: string }
  | { kind: "waha"; url: string; apiKey: string; session?: string }
  | { kind: "sandbox"; why: "asked" | "default" };

const WAWP = ["WAWP_INSTANCE_ID", "WAWP_ACCESS_TOKEN", "WAWP_BASE_URL"] as const;
const WAHA = ["WAHA_URL", "WAHA_API_KEY", "WAHA_SESSION"] as const;

type Env = Record<string, string | undefined>;

const isTrue = (v: string | undefined) => v !== undefined && /^(1|true|yes)$/i.test(v.trim());
export const inCI = (env: Env): boolean => isTrue(env.CI) || isTrue(env.GITHUB_ACTIONS);

export function chooseBackend(env: Env, opts: { sandbox?: boolean } = {}): Backend {
  if (opts.sandbox || isTrue(env.WAGROUPS_SANDBOX)) return { kind: "sandbox", why: "asked" };
  // an empty string counts as set: a secret that CI left empty must not fall back to the sandbox
  const set = (names: readonly string[]) => names.filter((n) => env[n] !== undefined);
  const value = (n: string) => env[n]?.trim() ?? "";
  const wawp = set(WAWP);
  const waha = set(WAHA);
  if (wawp.length && waha.length)
    throw new ConfigError(
      `both backends are configured (${[...wawp, ...waha].join(", ")}); set the WAWP_* variables or the WAHA_* ones, not both`,
    );
  if (wawp.length) {
    const missing = ["WAWP_INSTANCE_ID", "WAWP_ACCESS_TOKEN"].filter((n) => !value(n));
    if (missing.length)
      throw new ConfigError(
        `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set (or empty); set WAWP_INSTANCE_ID and WAWP_ACCESS_TOKEN, or use --sandbox`,
      );
    return {
      kind: "wawp",
      instanceId: value("WAWP_INSTANCE_ID"),
      accessToken: value("WAWP_ACCESS_TOKEN"),
      ...(value("WAWP_BASE_URL") ? { baseUrl: value("WAWP_BASE_URL") } : {}),
    };
  }
  if (waha.length) {
    const missing = ["WAHA_URL", "WAHA_API_KEY"].filter((n) => !value(n));
    if (missing.length)
      throw new ConfigError(
        `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set (or empty); set WAHA_URL and WAHA_API_KEY, or use --sandbox`,
      );
    return {
      kind: "waha",
      url: value("WAHA_URL"),
      apiKey: value("WAHA_API_KEY"),
      ...(value("WAHA_SESSION") ? { session: value("WAHA_SESSION") } : {}),
    };
  }
  if (inCI(env))
    throw new ConfigError(
      "no backend is configured and this is CI: set WAWP_INSTANCE_ID and WAWP_ACCESS_TOKEN (or WAHA_URL and WAHA_API_KEY), or pass --sandbox to use the sandbox on purpose",
    );
  return { kind: "sandbox", why: "default" };
}
