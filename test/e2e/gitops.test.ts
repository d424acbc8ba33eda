import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/change.js";
import { shardOf } from "../../src/plan/shard.js";
import { cleanEnv, fastExampleFleet, ROOT, run, type Served, serve, tempDir } from "../helpers/cli.js";
import { SELF, sbGroup, sbState } from "../helpers/fleet.js";

const TOKEN = "ghs_CANARY_e2e_0123456789abcdef";

type User = { login: string; id: number; type: string };
const BOT: User = { login: "github-actions[bot]", id: 41898282, type: "Bot" };
const MALLORY: User = { login: "mallory", id: 666, type: "User" };
const ATTACK =
  "<!-- wagroups-plan dir=groups -->\nApprove this: the plan is fine [trust me](https://evil.example)";

/** A GitHub REST double: the Actions token's identity and issue comments, as the plan comment uses them. */
async function githubDouble() {
  // someone pasted the marker into a comment of their own before wagroups ever ran
  const comments: { id: number; body: string; user: User }[] = [{ id: 1000, body: ATTACK, user: MALLORY }];
  const requests: { method: string; url: string; auth: string | undefined; body: string }[] = [];
  let next = 1;
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(data));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: "Bad credentials" });
    const url = new URL(req.url!, "http://x");
    // an installation token is no user: GitHub refuses GET /user for it
    if (url.pathname === "/user") return send(403, { message: "Resource not accessible by integration" });
    if (url.pathname === "/repos/acme/fleet/issues/7/comments" && req.method === "GET") {
      const page = Number(url.searchParams.get("page") ?? 1);
      return send(200, comments.slice((page - 1) * 100, page * 100));
    }
    if (url.pathname === "/repos/acme/fleet/issues/7/comments" && req.method === "POST") {
      const c = { id: next++, body: JSON.parse(body).body as string, user: BOT };
      comments.push(c);
      return send(201, { ...c, html_url: `https://github.test/acme/fleet/pull/7#issuecomment-${c.id}` });
    }
    const m = /^\/repos\/acme\/fleet\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (m && req.method === "PATCH") {
      const c = comments.find((x) => x.id === Number(m[1]));
      if (!c) return send(404, { message: "Not Found" });
      c.body = JSON.parse(body).body;
      return send(200, c);
    }
    if (url.pathname.startsWith("/repos/acme/forked/"))
      return send(403, { message: "Resource not accessible by integration" });
    return send(404, { message: "Not Found" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    comments,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("plan --github-comment", { timeout: 120_000 }, () => {
  let gh: Awaited<ReturnType<typeof githubDouble>>;
  let sandbox: Served;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    gh = await githubDouble();
    sandbox = await serve();
    dir = tempDir();
    const event = path.join(dir, "event.json");
    writeFileSync(
      event,
      JSON.stringify({
        pull_request: { number: 7, head: { sha: "0123456789abcdef" } },
        repository: { full_name: "acme/fleet" },
      }),
    );
    env = {
      ...sandbox.env,
      GITHUB_EVENT_PATH: event,
      GITHUB_API_URL: gh.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
    };
  });
  afterAll(async () => {
    await gh.close();
    await sandbox.stop();
  });

  it("two runs leave exactly one comment, edited in place, naming the changed groups, with no full number and no token", async () => {
    const first = await run(["plan", "--github-comment", "--detailed-exitcode"], { env });
    expect(first.code).toBe(2);
    expect(first.stderr).toContain("created the plan comment on acme/fleet#7");
    expect(gh.comments.length).toBe(2);
    const second = await run(["plan", "--github-comment", "--detailed-exitcode"], { env });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain("updated the plan comment on acme/fleet#7");
    expect(gh.comments.length).toBe(2);
    expect(gh.requests.filter((r) => r.method === "PATCH").map((r) => r.url)).toEqual([
      "/repos/acme/fleet/issues/comments/1",
    ]);
    expect(gh.comments[0]).toEqual({ id: 1000, body: ATTACK, user: MALLORY });
    const body = gh.comments[1]!.body;
    for (const serial of ["VIP-789", "CARE-311", "COH-2611", "PM-1042", "PROJ-101", "PROJ-102", "EVT-2025"])
      expect(body).toContain(`<code>${serial}</code>`);
    expect(body).toContain("for 0123456");
    expect(body.length).toBeLessThan(65_536);
    expect(body).not.toMatch(/\+1 415 555 \d{4}|1415555\d{4}|\+1 212 555 \d{4}/);
    const summary = readFileSync(env.GITHUB_STEP_SUMMARY!, "utf8");
    expect(summary).toContain("### wagroups plan");
    expect(summary).not.toMatch(/1415555\d{4}|\+1 415 555 \d{4}/);
    const everything = [
      first.stdout,
      first.stderr,
      second.stdout,
      second.stderr,
      summary,
      ...gh.requests.map((r) => `${r.url} ${r.body}`),
    ].join("\n");
    expect(everything).not.toContain(TOKEN);
  });

  it("a no-change plan says so in the same comment", async () => {
    // the same manifests with a high write budget: the example's 30 a minute would take a minute here
    expect(
      (await run(["apply", "--dir", fastExampleFleet(), "--auto-approve"], { env: sandbox.env })).code,
    ).toBe(0);
    const r = await run(["plan", "--github-comment", "--detailed-exitcode"], { env });
    expect(r.code).toBe(0);
    expect(gh.comments.length).toBe(2);
    expect(gh.comments[1]!.body).toContain("**No changes.**");
    expect(gh.comments[0]!.body).toBe(ATTACK);
  });

  it("a GitHub error is one line, and the plan's exit code is kept", async () => {
    const event = path.join(dir, "fork.json");
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { number: 9 }, repository: { full_name: "acme/forked" } }),
    );
    const r = await run(["plan", "--github-comment", "--detailed-exitcode"], {
      env: { ...env, GITHUB_EVENT_PATH: event },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /could not post the plan comment: GitHub API GET \/repos\/acme\/forked\/issues\/9\/comments answered 403: Resource not accessible by integration \(.*\)\n/,
    );
    expect(r.stderr).not.toContain(TOKEN);
  });
});

describe("import and shards", { timeout: 120_000 }, () => {
  function world() {
    const dir = tempDir();
    const state = sbState([
      sbGroup({
        id: "120363000000000001@g.us",
        subject: "Night shift nurses",
        description: "Rota swaps. Leave any time.",
        participants: [
          { jid: SELF, role: "superadmin" },
          { jid: "14155550101@c.us", role: "admin" },
          { jid: "14155550102@c.us", role: "member" },
          { jid: "77701@lid", role: "member", lid: "77701@lid", hidePn: true },
        ],
      }),
      sbGroup({
        id: "120363000000000002@g.us",
        subject: "IMP-4 | Suppliers",
        description: "Suppliers. Leave any time.",
        announce: true,
        participants: [
          { jid: SELF, role: "admin" },
          { jid: "14155550103@c.us", role: "superadmin" },
        ],
      }),
      sbGroup({
        id: "120363000000000003@g.us",
        subject: "Book club",
        owner: "14155550104@c.us",
        participants: [
          { jid: "14155550104@c.us", role: "superadmin" },
          { jid: SELF, role: "member" },
        ],
      }),
    ]);
    writeFileSync(path.join(dir, "state.json"), JSON.stringify(state));
    const groups = path.join(dir, "groups");
    mkdirSync(groups);
    writeFileSync(
      path.join(groups, "wagroups.yaml"),
      'self: "+1 415 555 0100"\npolicy: { descriptionMustMatch: "(?i)leave" }\n',
    );
    return { dir, groups, state: path.join(dir, "state.json") };
  }

  it("import writes manifests for the groups the instance administers; the next plan shows only the serial renames", async () => {
    const w = world();
    const s = await serve(["--state", w.state]);
    try {
      const r = await run(["import", "--dir", w.groups, "--serial-prefix", "IMP"], { env: s.env });
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(path.join(w.groups, "imported")).sort()).toEqual(["IMP-4.yaml", "IMP-5.yaml"]);
      const night = readFileSync(path.join(w.groups, "imported", "IMP-5.yaml"), "utf8");
      expect(night).toContain("id: 120363000000000001@g.us");
      expect(night).toContain("removeUnlisted: false");
      expect(night).toContain("# NOTE: 1 participant(s) known only by a privacy ID");
      expect((await run(["validate", "--dir", w.groups])).code).toBe(0);
      const plan = await run(["plan", "--dir", w.groups, "--format", "json", "--detailed-exitcode"], {
        env: s.env,
      });
      expect(plan.code).toBe(2);
      const p = JSON.parse(plan.stdout) as Plan;
      expect(p.groups.map((g) => [g.serial, g.changes])).toEqual([
        ["IMP-4", []],
        ["IMP-5", [{ kind: "setSubject", from: "Night shift nurses", to: "IMP-5 | Night shift nurses" }]],
      ]);
      // a second import finds nothing new and never overwrites
      const again = await run(["import", "--dir", w.groups], { env: s.env });
      expect(again.stdout).toContain("Nothing to import");
      expect(readFileSync(path.join(w.groups, "imported", "IMP-5.yaml"), "utf8")).toBe(night);
    } finally {
      await s.stop();
    }
  });

  it("--shard i/n splits the fleet by a stable hash of the serial: every group in exactly one shard", async () => {
    const s = await serve();
    try {
      const seen: string[] = [];
      for (const i of [1, 2, 3]) {
        const r = await run(["plan", "--shard", `${i}/3`, "--format", "json"], { env: s.env });
        expect(r.code).toBe(0);
        const p = JSON.parse(r.stdout) as Plan;
        for (const g of p.groups) expect(shardOf(g.serial, 3)).toBe(i);
        seen.push(...p.groups.map((g) => g.serial));
      }
      expect(seen.sort()).toEqual([
        "CARE-311",
        "COH-2611",
        "EVT-2025",
        "PM-1042",
        "PM-1043",
        "PROJ-101",
        "PROJ-102",
        "VIP-789",
      ]);
      expect((await run(["plan", "--shard", "4/3"], { env: s.env })).stderr).toContain("--shard takes I/N");
    } finally {
      await s.stop();
    }
  });
});

// ---- the JavaScript action, run from its committed bundle the way the runner runs it ----

const BUNDLE = path.join(ROOT, ".github/actions/wagroups/dist/index.mjs");

/** `node dist/index.mjs` with INPUT_* variables and the runner's files; the outputs parsed back. */
async function runAction(inputs: Record<string, string>, env: Record<string, string>) {
  const dir = tempDir("wagroups-action-");
  const files = {
    GITHUB_OUTPUT: path.join(dir, "output"),
    GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
  };
  for (const f of Object.values(files)) writeFileSync(f, "");
  const input: Record<string, string> = {};
  // the runner's naming: INPUT_ + the name upper-cased, spaces to underscores (dashes stay)
  for (const [k, v] of Object.entries(inputs)) input[`INPUT_${k.replace(/ /g, "_").toUpperCase()}`] = v;
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE], {
      cwd: ROOT,
      env: cleanEnv({ ...env, ...input, ...files, RUNNER_TEMP: dir, GITHUB_RUN_ID: "4242" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  // name<<ghadelimiter_…\nvalue\nghadelimiter_…
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(files.GITHUB_OUTPUT, "utf8").matchAll(/^(.+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    outputs[m[1]!] = m[3]!;
  return { ...result, outputs, summary: readFileSync(files.GITHUB_STEP_SUMMARY, "utf8"), dir };
}

describe("the wagroups action (its committed bundle)", { timeout: 120_000 }, () => {
  let gh: Awaited<ReturnType<typeof githubDouble>>;
  let sandbox: Served;
  let event: string;
  beforeAll(async () => {
    gh = await githubDouble();
    sandbox = await serve();
    event = path.join(tempDir(), "event.json");
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { number: 7 }, repository: { full_name: "acme/fleet" } }),
    );
  });
  afterAll(async () => {
    await gh.close();
    await sandbox.stop();
  });

  it("plan: comments on the pull request, sets exit-code, has-changes and plan-file, masks the tokens", async () => {
    const r = await runAction(
      { command: "plan", dir: "groups", args: "--github-comment\n", "github-token": TOKEN },
      { ...sandbox.env, GITHUB_EVENT_PATH: event, GITHUB_API_URL: gh.url },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({
      "exit-code": "2",
      "has-changes": "true",
      "plan-file": path.join(r.dir, "wagroups-plan-4242.json"),
    });
    expect(JSON.parse(readFileSync(r.outputs["plan-file"]!, "utf8")).formatVersion).toBe(2);
    // the runner masks what ::add-mask:: names before anything else is printed
    const lines = r.stdout.split("\n");
    expect(lines.indexOf(`::add-mask::${TOKEN}`)).toBeGreaterThanOrEqual(0);
    expect(lines).toContain(`::add-mask::${sandbox.env.WAWP_ACCESS_TOKEN}`);
    expect(gh.comments.filter((c) => c.user.login === "github-actions[bot]").length).toBe(1);
    expect(r.summary).toContain("### wagroups plan");
    expect(r.summary).toContain("**wagroups plan**: exit 2, the plan has changes");
  });

  it("apply the saved plan, then plan again: no changes", async () => {
    const planned = await runAction({ command: "plan" }, sandbox.env);
    const applied = await runAction(
      { command: "apply", args: `${planned.outputs["plan-file"]}\n--auto-approve` },
      sandbox.env,
    );
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.outputs["exit-code"]).toBe("0");
    const again = await runAction({ command: "plan" }, sandbox.env);
    expect(again.outputs).toMatchObject({ "exit-code": "0", "has-changes": "false" });
  });

  it("each line of args is one argument: no word-splitting, no globbing", async () => {
    const out = path.join(tempDir(), "my plan *.json");
    const r = await runAction({ command: "plan", args: `--out\n${out}\n--format\njson` }, sandbox.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs["plan-file"]).toBe(out);
    expect(readdirSync(path.dirname(out))).toEqual(["my plan *.json"]);
  });

  it("bad inputs fail the step with one line; a failing command fails it with its exit code", async () => {
    const wrong = await runAction({ command: "destroy" }, sandbox.env);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(
      '::error::input "command" must be one of validate, plan, apply, import (got "destroy")',
    );
    const joined = await runAction({ command: "apply", args: "--auto-approve --shard 1/4" }, sandbox.env);
    expect(joined.code).toBe(1);
    expect(joined.stdout).toContain(
      '::error::input "args" takes one argument per line: write "--auto-approve" and "--shard" and "1/4" on lines of their own',
    );
    const broken = await runAction(
      { command: "validate", dir: "test/fixtures/manifests/invalid/bad-number" },
      {},
    );
    expect(broken.code).toBe(1);
    expect(broken.outputs["exit-code"]).toBe("1");
    expect(broken.stdout).toContain("::error::wagroups validate exited 1");
    expect(broken.summary).toContain("**wagroups validate**: exit 1, failed: see the log");
  });
});
