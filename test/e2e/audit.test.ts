// The secret and privacy audit: every command and failure path with a canary token and canary phone
// numbers. The token must appear nowhere; full numbers never in Markdown or a pull-request comment.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Result, run, type Served, serve, tempDir } from "../helpers/cli.js";

const TOKEN = "CANARY-wawp-token-5e1f0c9a7b";
const GH_TOKEN = "ghs_CANARYgithubtoken77aa";
// canary numbers: in manifests, in people.yaml, in the live state, in descriptions
const CANARIES = ["+1 646 555 0142", "+1 646 555 0143", "+44 20 7946 0321"];
const canaryDigits = CANARIES.map((c) => c.replace(/\D/g, ""));

const outputs: { what: string; text: string; markdown: boolean }[] = [];
type Expected = { code: number; says: RegExp; markdown?: boolean };
const runs: { what: string; r: Result; expected: Expected }[] = [];
/** Each path must end the way it should (exit code, and what it says), not merely produce output. */
const record = (what: string, r: Result, expected: Expected) => {
  runs.push({ what, r, expected });
  outputs.push(
    { what: `${what} stdout`, text: r.stdout, markdown: expected.markdown ?? false },
    { what: `${what} stderr`, text: r.stderr, markdown: false },
  );
  return r;
};

let s: Served;
let dir: string;
let groups: string;
let gh: { url: string; bodies: string[]; close(): Promise<void> };

beforeAll(async () => {
  dir = tempDir("wagroups-audit-");
  groups = path.join(dir, "groups");
  mkdirSync(groups);
  writeFileSync(
    path.join(groups, "wagroups.yaml"),
    'self: "+1 415 555 0100"\nsafety: { maxRemovalRatio: 0.25 }\nlimits: { requestsPerMinute: 6000 }\n',
  );
  writeFileSync(path.join(groups, "people.yaml"), `canary: "${CANARIES[0]}"\n`);
  writeFileSync(
    path.join(groups, "A-1.yaml"),
    `serial: A-1\nsubject: Audit\ndescription: "Call ${CANARIES[2]} for help. Leave any time."\nadmins: [canary]\nmembers: ["${CANARIES[1]}", "${CANARIES[2]}"]\n`,
  );
  s = await serve([], TOKEN);
  const bodies: string[] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    bodies.push(`${req.method} ${req.url} ${body}`);
    res.writeHead(req.method === "GET" ? 200 : 201, { "content-type": "application/json" });
    // GET /user says whose comments are ours (the plan comment edits only its own)
    const get = req.url === "/user" ? JSON.stringify({ login: "ci-bot", id: 1 }) : "[]";
    res.end(req.method === "GET" ? get : JSON.stringify({ id: 1 }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  gh = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
});

afterAll(async () => {
  await s.stop();
  await gh.close();
});

// every command and failure path runs once, before the checks, which each read what was recorded
beforeAll(async () => {
  {
    const env = { ...s.env, WAWP_BASE_URL: s.baseUrl, WAWP_ACCESS_TOKEN: TOKEN, WAWP_INSTANCE_ID: "e2e" };
    const event = path.join(dir, "event.json");
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { number: 1 }, repository: { full_name: "acme/fleet" } }),
    );
    const ghEnv = {
      ...env,
      GITHUB_EVENT_PATH: event,
      GITHUB_API_URL: gh.url,
      GITHUB_TOKEN: GH_TOKEN,
      GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
    };
    const debug = ["--log-level", "debug", "--json-logs"];
    record("validate", await run(["validate", "--dir", groups]), { code: 0, says: /valid/i });
    record("plan text", await run([...debug, "plan", "--dir", groups], { env }), { code: 0, says: /Plan: / });
    record(
      "plan json",
      await run(["plan", "--dir", groups, "--format", "json", "--out", path.join(dir, "plan.json")], { env }),
      { code: 0, says: /"formatVersion": 2/ },
    );
    record("plan markdown", await run(["plan", "--dir", groups, "--format", "markdown"], { env }), {
      code: 0,
      says: /wagroups plan/,
      markdown: true,
    });
    record(
      "plan comment",
      await run([...debug, "plan", "--dir", groups, "--github-comment"], { env: ghEnv }),
      { code: 0, says: /the plan comment on acme\/fleet#1/ },
    );
    record("apply refused (no tty)", await run(["apply", "--dir", groups], { env }), {
      code: 1,
      says: /stdin is not a terminal/,
    });
    record(
      "apply saved",
      await run([...debug, "apply", path.join(dir, "plan.json"), "--auto-approve"], { env: ghEnv }),
      { code: 0, says: /Apply: 1 done/ },
    );
    record("apply again", await run(["apply", "--dir", groups, "--auto-approve"], { env: ghEnv }), {
      code: 0,
      says: /No changes/,
    });
    record("import", await run(["import", "--dir", groups], { env }), {
      code: 0,
      says: /Nothing to import|Imported/,
    });
    // failure paths
    record(
      "wrong token",
      await run([...debug, "plan", "--dir", groups], {
        env: { ...env, WAWP_ACCESS_TOKEN: `${TOKEN}-wrong` },
      }),
      { code: 1, says: /HTTP 401/ },
    );
    record(
      "server down",
      await run([...debug, "plan", "--dir", groups], {
        env: { ...env, WAWP_BASE_URL: "http://127.0.0.1:9/v2" },
      }),
      { code: 1, says: /cannot reach WAWP_BASE_URL/ },
    );
    record("half credentials", await run(["plan", "--dir", groups], { env: { WAWP_ACCESS_TOKEN: TOKEN } }), {
      code: 1,
      says: /WAWP_INSTANCE_ID is not set/,
    });
    record(
      "bad manifest",
      await run(["plan", "--dir", "test/fixtures/manifests/invalid/bad-number"], { env }),
      { code: 1, says: /\.yaml:\d+:\d+ / },
    );
    record(
      "github refused",
      await run(["plan", "--dir", groups, "--github-comment"], {
        env: { ...ghEnv, GITHUB_API_URL: "http://127.0.0.1:9" },
      }),
      { code: 0, says: /could not post the plan comment/ },
    );
    const faulty = await serve(["--faults", "error=1,scope=all"], TOKEN);
    try {
      record(
        "500 everywhere",
        await run([...debug, "plan", "--dir", groups], { env: { ...env, WAWP_BASE_URL: faulty.baseUrl } }),
        { code: 1, says: /HTTP 500/ },
      );
    } finally {
      await faulty.stop();
    }
  }
}, 180_000);

describe("secret and privacy audit", () => {
  it("every command and failure path ends as it should: exit code and what it says", () => {
    expect(runs.map((x) => x.what)).toHaveLength(15);
    for (const { what, r, expected } of runs) {
      expect({ what, code: r.code }).toEqual({ what, code: expected.code });
      expect(`${r.stdout}\n${r.stderr}`, what).toMatch(expected.says);
    }
  });

  it("the token appears nowhere: not in output, logs, errors, saved plans, summaries, comments or imported files", () => {
    const files = [
      path.join(dir, "plan.json"),
      path.join(dir, "summary.md"),
      ...readdirSync(path.join(groups, "imported")).map((f) => path.join(groups, "imported", f)),
    ];
    const everything = [
      ...outputs.map((o) => o.text),
      ...files.map((f) => readFileSync(f, "utf8")),
      ...gh.bodies,
    ];
    for (const t of everything) {
      expect(t).not.toContain(TOKEN);
      expect(t).not.toContain(GH_TOKEN);
    }
    expect(gh.bodies.some((b) => b.includes("wagroups plan"))).toBe(true);
  });

  it("no full phone number in Markdown, the comment or the job summary", () => {
    const markdown = [
      ...outputs.filter((o) => o.markdown).map((o) => o.text),
      readFileSync(path.join(dir, "summary.md"), "utf8"),
      ...gh.bodies,
    ];
    for (const t of markdown) {
      const flat = t.replace(/[\s().-]/g, "");
      for (const d of canaryDigits) expect(flat).not.toContain(d);
      expect(t).not.toMatch(/\+1 646 555 \d{4}/);
    }
    expect(markdown.join("\n")).toContain("canary (+1 646 ••• ••42)");
  });
});
