import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/change.js";
import { shardOf } from "../../src/plan/shard.js";
import { run, type Served, serve, tempDir } from "../helpers/cli.js";
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
    expect((await run(["apply", "--auto-approve"], { env: sandbox.env })).code).toBe(0);
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
