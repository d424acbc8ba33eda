// Issue 11's acceptance: the example fleet, plan -> apply -> empty plan, on every engine persona the
// sandbox plays (the raw shapes and quirks of test/fixtures/engines/) and on the self-hosted WAHA backend.
// No duplicate group, one invite per privacy-restricted person, retirement complete, labels set without
// removing anyone else's, no icon drift.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { seedState } from "../../src/sandbox/seed.js";
import type { SandboxState } from "../../src/sandbox/state.js";
import { fastExampleFleet, run, type Served, serve, tempDir } from "../helpers/cli.js";

const SERIAL = /^([A-Z][A-Z0-9]*-[0-9]+) \| /;
const VIP = "120363025550000003@g.us";
const RETIRED = "120363025550000006@g.us";
const PRIVATE = "14155550199@c.us";

let served: Served | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

/** The seed, with a label an agent put on the VIP group by hand (wagroups must leave it). */
function seedFile(): string {
  const state = seedState();
  state.labels.push({ id: "9", name: "agent: follow up", color: 7 });
  const vip = state.groups.find((g) => g.id === VIP)!;
  vip.labels = ["9"];
  const file = path.join(tempDir("wagroups-engine-"), "state.json");
  writeFileSync(file, JSON.stringify(state));
  return file;
}

function check(state: SandboxState, labelsSupported: boolean) {
  const serials = state.groups
    .filter((g) => g.participants.some((p) => p.jid === state.self))
    .map((g) => SERIAL.exec(g.subject)?.[1])
    .filter((s): s is string => !!s);
  expect(serials.length, `duplicates among ${serials.join(", ")}`).toBe(new Set(serials).size);
  const invites = (state.messages[PRIVATE] ?? []).filter(
    (m) => m.fromMe && m.body.includes("chat.whatsapp.com/"),
  );
  expect(invites.length).toBe(1);
  const retired = state.groups.find((g) => g.id === RETIRED);
  expect(retired?.participants.some((p) => p.jid === state.self) ?? false).toBe(false);
  const vip = state.groups.find((g) => g.id === VIP)!;
  // ZAPO has no labels (422): one warning, and the rest of the plan proceeds
  expect([...vip.labels].sort()).toEqual(labelsSupported ? ["1", "9"] : ["9"]);
}

const dir = fastExampleFleet();
const cases: [string, string[], (s: Served) => Record<string, string>][] = [
  ...(["webjs", "noweb", "noweb-lid", "gows", "zapo"] as const).map(
    (engine) =>
      [engine, ["--engine", engine], (s: Served) => s.env] as [
        string,
        string[],
        (s: Served) => Record<string, string>,
      ],
  ),
  [
    "WAHA backend (noweb)",
    ["--engine", "noweb", "--backend", "waha"],
    (s: Served) => ({ WAHA_URL: s.baseUrl, WAHA_API_KEY: s.env.WAWP_ACCESS_TOKEN! }),
  ],
];

describe("the example fleet converges on every engine", { timeout: 180_000 }, () => {
  it.each(cases)("%s: plan -> apply -> empty plan, nothing duplicated", async (_, args, envOf) => {
    served = await serve(["--state", seedFile(), ...args]);
    const env = envOf(served);
    const cwd = tempDir();
    const plan = await run(["plan", "--dir", dir, "--detailed-exitcode"], { env, cwd });
    expect(plan.code, plan.stderr).toBe(2);
    const apply = await run(["apply", "--dir", dir, "--auto-approve"], { env, cwd });
    expect(apply.code, `${apply.stdout}\n${apply.stderr}`).toBe(0);
    const again = await run(["plan", "--dir", dir, "--detailed-exitcode"], { env, cwd });
    expect(again.code, again.stdout).toBe(0);
    check(await served.state(), !args.includes("zapo"));
  });
});
