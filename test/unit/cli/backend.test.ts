import { describe, expect, it } from "vitest";
import { chooseBackend } from "../../../src/cli/backend.js";

describe("chooseBackend: the sandbox only where nobody could mistake it for production", () => {
  const cases: [string, Record<string, string>, { sandbox?: boolean }, unknown][] = [
    ["nothing set, not CI: the sandbox by default", {}, {}, { kind: "sandbox", why: "default" }],
    ["--sandbox, in CI too", { CI: "true" }, { sandbox: true }, { kind: "sandbox", why: "asked" }],
    [
      "WAGROUPS_SANDBOX=1",
      { GITHUB_ACTIONS: "true", WAGROUPS_SANDBOX: "1" },
      {},
      { kind: "sandbox", why: "asked" },
    ],
    [
      "Wawp, both variables",
      { WAWP_INSTANCE_ID: "i", WAWP_ACCESS_TOKEN: "t" },
      {},
      { kind: "wawp", instanceId: "i", accessToken: "t" },
    ],
    [
      "Wawp with a base URL",
      { WAWP_INSTANCE_ID: "i", WAWP_ACCESS_TOKEN: "t", WAWP_BASE_URL: "http://127.0.0.1:1/v2" },
      {},
      { kind: "wawp", instanceId: "i", accessToken: "t", baseUrl: "http://127.0.0.1:1/v2" },
    ],
    [
      "WAHA with a session",
      { WAHA_URL: "http://localhost:3000", WAHA_API_KEY: "k", WAHA_SESSION: "s1" },
      {},
      { kind: "waha", url: "http://localhost:3000", apiKey: "k", session: "s1" },
    ],
  ];
  it.each(cases)("%s", (_, env, opts, want) => {
    expect(chooseBackend(env, opts)).toEqual(want);
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    ["CI with nothing set", { CI: "true" }, /no backend is configured and this is CI/],
    [
      "GitHub Actions with nothing set",
      { GITHUB_ACTIONS: "true" },
      /no backend is configured and this is CI/,
    ],
    [
      "a variable set but empty",
      { WAWP_ACCESS_TOKEN: "" },
      /^WAWP_INSTANCE_ID and WAWP_ACCESS_TOKEN are not set/,
    ],
    [
      "only WAWP_BASE_URL",
      { WAWP_BASE_URL: "https://x" },
      /WAWP_INSTANCE_ID and WAWP_ACCESS_TOKEN are not set/,
    ],
    ["half of Wawp", { WAWP_INSTANCE_ID: "i" }, /^WAWP_ACCESS_TOKEN is not set/],
    ["half of WAHA", { WAHA_URL: "http://localhost:3000" }, /^WAHA_API_KEY is not set/],
    [
      "both backends",
      { WAWP_INSTANCE_ID: "i", WAWP_ACCESS_TOKEN: "t", WAHA_URL: "u", WAHA_API_KEY: "k" },
      /both backends are configured \(WAWP_INSTANCE_ID, WAWP_ACCESS_TOKEN, WAHA_URL, WAHA_API_KEY\)/,
    ],
  ];
  it.each(refusals)("refuses: %s", (_, env, message) => {
    expect(() => chooseBackend(env)).toThrow(message);
  });
});
