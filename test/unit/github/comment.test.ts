import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { GitHubError, markerFor, upsertComment } from "../../../src/github/comment.js";
import { pullRequestContext } from "../../../src/github/context.js";
import { writeStepSummary } from "../../../src/github/summary.js";

const API = "https://github.test";
const TOKEN = "ghs_CANARYtoken1234567890";
const ctx = { apiUrl: API, token: TOKEN, repo: "acme/fleet", number: 7 };
const marker = markerFor("groups");

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe("upsertComment (nock intercepting fetch)", () => {
  it("really intercepts: a request nock does not know fails instead of reaching a network", async () => {
    await expect(upsertComment(ctx, marker, "x")).rejects.toThrow(GitHubError);
  });

  it("creates the comment when none carries the marker, with the token only in the header", async () => {
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query({ per_page: "100", page: "1" })
      .matchHeader("authorization", `Bearer ${TOKEN}`)
      .reply(200, [{ id: 1, body: "LGTM" }]);
    nock(API)
      .post("/repos/acme/fleet/issues/7/comments", (b) => b.body === `${marker}\nplan`)
      .reply(201, { id: 99, html_url: "https://gh/acme/fleet/pull/7#c99" });
    expect(await upsertComment(ctx, marker, `${marker}\nplan`)).toEqual({
      action: "created",
      id: 99,
      url: "https://gh/acme/fleet/pull/7#c99",
    });
  });

  it("edits in place the comment carrying the marker, looking past the first page", async () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: "chatter" }));
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query({ per_page: "100", page: "1" })
      .reply(200, many);
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query({ per_page: "100", page: "2" })
      .reply(200, [{ id: 150, body: `${marker}\nold plan` }]);
    nock(API)
      .patch("/repos/acme/fleet/issues/comments/150", { body: `${marker}\nnew plan` })
      .reply(200, { id: 150 });
    expect(await upsertComment(ctx, marker, `${marker}\nnew plan`)).toEqual({ action: "updated", id: 150 });
  });

  it("another directory's comment is not ours", async () => {
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query(true)
      .reply(200, [{ id: 5, body: markerFor("other") }]);
    nock(API).post("/repos/acme/fleet/issues/7/comments").reply(201, { id: 6 });
    expect((await upsertComment(ctx, marker, "b")).action).toBe("created");
  });

  it("a 403 (a fork's read-only token) is one clear line without the token", async () => {
    nock(API).get("/repos/acme/fleet/issues/7/comments").query(true).reply(200, []);
    nock(API)
      .post("/repos/acme/fleet/issues/7/comments")
      .reply(403, { message: `Resource not accessible by integration ${TOKEN}` });
    const e = (await upsertComment(ctx, marker, "b").catch((x: unknown) => x)) as GitHubError;
    expect(e.status).toBe(403);
    expect(e.message).toMatch(
      /^GitHub API POST \/repos\/acme\/fleet\/issues\/7\/comments answered 403: Resource not accessible by integration \*\*\* \(.*forks get a read-only token/,
    );
    expect(e.message).not.toContain("\n");
  });

  it("a 404 says what may be wrong", async () => {
    nock(API).get("/repos/acme/fleet/issues/7/comments").query(true).reply(404, { message: "Not Found" });
    await expect(upsertComment(ctx, marker, "b")).rejects.toThrow(
      /answered 404: Not Found \(no such repository or pull request/,
    );
  });
});

describe("the pull request from GITHUB_EVENT_PATH", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gh-"));
  const event = (data: unknown) => {
    const f = path.join(dir, `${Math.random()}.json`);
    writeFileSync(f, JSON.stringify(data));
    return f;
  };
  it("reads a pull_request event", () => {
    const f = event({
      pull_request: { number: 12, head: { sha: "abc1234def" } },
      repository: { full_name: "acme/fleet" },
    });
    expect(pullRequestContext({ GITHUB_EVENT_PATH: f, GITHUB_TOKEN: "t0k3n-xyz" })).toEqual({
      apiUrl: "https://api.github.com",
      token: "t0k3n-xyz",
      repo: "acme/fleet",
      number: 12,
      sha: "abc1234def",
    });
  });
  it("reads an issue_comment event on a pull request, with GITHUB_API_URL for GitHub Enterprise", () => {
    const f = event({ issue: { number: 3, pull_request: {} }, repository: { full_name: "acme/fleet" } });
    expect(
      pullRequestContext({
        GITHUB_EVENT_PATH: f,
        GITHUB_TOKEN: "t0k3n-xyz",
        GITHUB_API_URL: "https://ghe.example/api/v3/",
      }),
    ).toMatchObject({
      apiUrl: "https://ghe.example/api/v3",
      number: 3,
    });
  });
  it("refuses a push event, a missing token, an unreadable event", () => {
    expect(() =>
      pullRequestContext({ GITHUB_EVENT_PATH: event({ ref: "refs/heads/main" }), GITHUB_TOKEN: "t0k3n-xyz" }),
    ).toThrow(/not a pull request event/);
    expect(() => pullRequestContext({ GITHUB_EVENT_PATH: event({}) })).toThrow(/needs GITHUB_TOKEN/);
    expect(() => pullRequestContext({ GITHUB_EVENT_PATH: "/nope.json", GITHUB_TOKEN: "t0k3n-xyz" })).toThrow(
      /cannot read the event/,
    );
  });
});

describe("job summary", () => {
  it("appends to GITHUB_STEP_SUMMARY when set, and does nothing otherwise", () => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), "gh-")), "summary.md");
    expect(writeStepSummary("# one", { GITHUB_STEP_SUMMARY: f })).toBe(true);
    expect(writeStepSummary("# two\n", { GITHUB_STEP_SUMMARY: f })).toBe(true);
    expect(readFileSync(f, "utf8")).toBe("# one\n# two\n");
    expect(writeStepSummary("x", {})).toBe(false);
  });
});

describe("the comment's size", () => {
  it("a 3,000-group plan posted as a comment stays under GitHub's 65,536 characters", async () => {
    const { renderMarkdown } = await import("../../../src/plan/render/markdown.js");
    const { plan } = await import("../../../src/plan/plan.js");
    const { desired, group, people } = await import("../../helpers/fleet.js");
    const groups = Array.from({ length: 3000 }, (_, i) =>
      group({ serial: `BIG-${i}`, admins: people(1), members: people(2, 3, 4, 5) }),
    );
    const body = `${renderMarkdown(plan(desired(groups), { groups: [] }, { now: 1 }), { marker })}\n<sub>Updated by wagroups at 2026-11-26T10:00:00.000Z for 0123456.</sub>\n`;
    let posted = "";
    nock(API).get("/repos/acme/fleet/issues/7/comments").query(true).reply(200, []);
    nock(API)
      .post("/repos/acme/fleet/issues/7/comments", (b) => {
        posted = b.body;
        return true;
      })
      .reply(201, { id: 1 });
    await upsertComment(ctx, marker, body);
    expect(posted).toBe(body);
    expect(posted.length).toBeLessThan(65_536);
    expect(posted).toContain(marker);
  });
});
