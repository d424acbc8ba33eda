// The fault campaign: apply a 50-group fleet through `wagroups sandbox serve --faults …`, rerunning
// until it converges, and check what must never happen: a duplicate group, a second invite or
// farewell, the removal of someone the manifests keep.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { seededRandom } from "../../src/sandbox/faults.js";
import type { SandboxState } from "../../src/sandbox/state.js";
import { BIN, cleanEnv, run, serve, tempDir } from "../helpers/cli.js";
import { SELF, sbGroup, sbState } from "../helpers/fleet.js";

const num = (k: number) => `1646${200 + Math.floor(k / 10000)}${String(k % 10000).padStart(4, "0")}`;
const pretty = (k: number) => `"+1 646 ${200 + Math.floor(k / 10000)} ${String(k % 10000).padStart(4, "0")}"`;

export interface CampaignFleet {
  dir: string;
  stateFile: string;
  /** people the manifests keep, by group ID or serial */
  kept: Set<string>;
  privacy: string[];
  retired: string[];
  serials: string[];
}

/** 50 groups: 38 drifted, 6 to create, 3 to retire with a farewell, 3 with a privacy-restricted newcomer. */
export function campaignFleet(): CampaignFleet {
  const dir = tempDir("wagroups-faults-");
  const groups = path.join(dir, "groups");
  mkdirSync(groups);
  writeFileSync(
    path.join(groups, "wagroups.yaml"),
    'self: "+1 415 555 0100"\nlimits: { requestsPerMinute: 6000, createsPerHour: 50, concurrency: 4 }\nsafety: { maxRemovalRatio: 0.5, minAdmins: 1 }\n',
  );
  const live: ReturnType<typeof sbGroup>[] = [];
  const kept = new Set<string>();
  const privacy: string[] = [];
  const retired: string[] = [];
  const serials: string[] = [];
  let k = 0;
  for (let i = 1; i <= 50; i++) {
    const serial = `F-${i}`;
    serials.push(serial);
    const id = `1203630000000${String(i).padStart(5, "0")}@g.us`;
    const people = Array.from({ length: 8 }, () => k++);
    for (const p of people) kept.add(`${num(p)}@c.us`);
    if (i > 47) {
      retired.push(id);
      writeFileSync(
        path.join(groups, `${serial}.yaml`),
        `serial: ${serial}\nsubject: Old event ${i}\nretired: true\nfarewell: "Event ${i} is over. Thank you!"\n`,
      );
      live.push(
        sbGroup({
          id,
          subject: `${serial} | Old event ${i}`,
          participants: [
            { jid: SELF, role: "superadmin" },
            ...people.map((p) => ({ jid: `${num(p)}@c.us`, role: "member" as const })),
          ],
        }),
      );
      continue;
    }
    const newcomer = i <= 3 ? k++ : undefined;
    if (newcomer !== undefined) privacy.push(`${num(newcomer)}@c.us`);
    const members = [...people.slice(1), ...(newcomer !== undefined ? [newcomer] : [])];
    writeFileSync(
      path.join(groups, `${serial}.yaml`),
      [
        `serial: ${serial}`,
        `subject: Customer ${i}`,
        `description: "Customer ${i} support. Leave any time."`,
        `settings: { sendMessages: ${i % 2 ? "all" : "admins"}, approveJoins: ${i % 3 === 0} }`,
        `admins: [${pretty(people[0]!)}]`,
        `members: [${members.map(pretty).join(", ")}]`,
        "",
      ].join("\n"),
    );
    if (i > 41) continue; // 42..47 do not exist yet
    // drifted: old subject on some, a member missing, an unlisted one, the admin not promoted yet
    const unlisted = k++;
    live.push(
      sbGroup({
        id,
        subject: i % 4 === 0 ? `${serial} | Old name` : `${serial} | Customer ${i}`,
        description: i % 5 === 0 ? "outdated" : `Customer ${i} support. Leave any time.`,
        announce: i % 7 === 0,
        approval: i % 3 === 0,
        participants: [
          { jid: SELF, role: "superadmin" },
          { jid: `${num(people[0]!)}@c.us`, role: i % 6 === 0 ? "member" : "admin" },
          ...people.slice(1, -1).map((p) => ({ jid: `${num(p)}@c.us`, role: "member" as const })),
          { jid: `${num(unlisted)}@c.us`, role: "member" as const },
        ],
      }),
    );
  }
  const state: SandboxState = sbState(live, { privacyRestricted: privacy });
  const stateFile = path.join(dir, "state.json");
  writeFileSync(stateFile, JSON.stringify(state));
  return { dir: groups, stateFile, kept, privacy, retired, serials };
}

export interface ScenarioResult {
  name: string;
  runs: number;
  converged: boolean;
  violations: string[];
}

/** Apply until exit 0 (at most `maxRuns`), killing the first `kills` runs at seeded random moments. */
export async function scenario(
  name: string,
  faults: string,
  opts: { kills?: number; seed?: number; maxRuns?: number } = {},
): Promise<ScenarioResult> {
  const fleet = campaignFleet();
  const s = await serve(["--state", fleet.stateFile, ...(faults ? ["--faults", faults] : [])]);
  const random = seededRandom(opts.seed ?? 1);
  let runs = 0;
  let converged = false;
  try {
    for (let i = 0; i < (opts.kills ?? 0); i++) {
      runs++;
      await killedApply(fleet.dir, s.env, 150 + Math.floor(random() * 900));
    }
    while (runs < (opts.maxRuns ?? 8)) {
      runs++;
      const r = await run(["apply", "--dir", fleet.dir, "--auto-approve"], { env: s.env });
      if (r.code === 0) {
        converged = true;
        break;
      }
      if (r.code !== 3 && r.code !== 1) throw new Error(`apply exited ${r.code}: ${r.stderr.slice(-400)}`);
    }
    const violations: string[] = [];
    const plan = await run(["plan", "--dir", fleet.dir, "--detailed-exitcode"], { env: s.env });
    if (plan.code !== 0) violations.push(`plan after convergence exited ${plan.code}`);
    const state = await s.state();
    const serials = state.groups
      .filter((g) => g.participants.some((p) => p.jid === SELF))
      .map((g) => g.subject.split(" | ")[0]!);
    for (const serial of fleet.serials) {
      const n = serials.filter((x) => x === serial).length;
      if (n > 1) violations.push(`${n} groups for ${serial}`);
    }
    const created = state.groups.filter((g) => /^F-4[2-7] \|/.test(g.subject));
    if (created.length !== 6) violations.push(`${created.length} groups created for 6 serials`);
    for (const jid of fleet.privacy) {
      const invites = (state.messages[jid] ?? []).length;
      if (invites !== 1) violations.push(`${invites} invites to ${jid}`);
    }
    for (const id of fleet.retired) {
      const farewells = (state.messages[id] ?? []).length;
      if (farewells !== 1) violations.push(`${farewells} farewells in ${id}`);
    }
    for (const e of await s.log()) {
      if (!e.path.endsWith("/participants/remove") || e.status === 0) continue;
      for (const p of (e.body as { participants: { id: string }[] }).participants)
        if (fleet.kept.has(p.id)) violations.push(`removed ${p.id}, whom the manifests keep`);
    }
    return { name, runs, converged, violations };
  } finally {
    await s.stop();
  }
}

function killedApply(dir: string, env: Record<string, string>, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "apply", "--dir", dir, "--auto-approve"], {
      env: cleanEnv(env),
      stdio: "ignore",
    });
    const t = setTimeout(() => child.kill("SIGKILL"), afterMs);
    child.on("exit", () => {
      clearTimeout(t);
      resolve();
    });
  });
}
