import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ACTIONS_BOT,
  GitHubError,
  markerFor,
  tokenIdentity,
  upsertComment,
} from "../../../src/github/comment.js";
import { pullRequestContext } from "../../../src/github/context.js";
import { writeStepSummary } from "../../../src/github/summary.js";

const API = "https://github.test";
const TOKEN = "ghs_CANARYtoken1234567890";
const ctx = { apiUrl: API, token: TOKEN, repo: "acme/fleet", number: 7 };
const marker = markerFor("groups");
const BOT = { login: ACTIONS_BOT.login, id: ACTIONS_BOT.id, type: "Bot" };
const MALLORY = { login: "mallory", id: 666, type: "User" };

/** GET /user as the Actions GITHUB_TOKEN answers it: an installation token is not a user. */
const actionsToken = () =>
  nock(API).get("/user").reply(403, { message: "Resource not accessible by integration", status: "403" });

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
    actionsToken();
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query({ per_page: "100", page: "1" })
      .matchHeader("authorization", `Bearer ${TOKEN}`)
      .reply(200, [{ id: 1, body: "LGTM", user: MALLORY }]);
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
    const many = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: "chatter", user: MALLORY }));
    actionsToken();
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query({ per_page: "100", page: "1" })
      .reply(200, many);
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query({ per_page: "100", page: "2" })
      .reply(200, [{ id: 150, body: `${marker}\nold plan`, user: BOT }]);
    nock(API)
      .patch("/repos/acme/fleet/issues/comments/150", { body: `${marker}\nnew plan` })
      .reply(200, { id: 150 });
    expect(await upsertComment(ctx, marker, `${marker}\nnew plan`)).toEqual({ action: "updated", id: 150 });
  });

  it("another directory's comment is not ours", async () => {
    actionsToken();
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query(true)
      .reply(200, [{ id: 5, body: markerFor("other"), user: BOT }]);
    nock(API).post("/repos/acme/fleet/issues/7/comments").reply(201, { id: 6 });
    expect((await upsertComment(ctx, marker, "b")).action).toBe("created");
  });

  it("a 403 (a fork's read-only token) is one clear line without the token", async () => {
    actionsToken();
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
    actionsToken();
    nock(API).get("/repos/acme/fleet/issues/7/comments").query(true).reply(404, { message: "Not Found" });
    await expect(upsertComment(ctx, marker, "b")).rejects.toThrow(
      /answered 404: Not Found \(no such repository or pull request/,
    );
  });
});

describe("only the token's own comment is ever edited", () => {
  it("Actions token: an attacker's comment carrying the marker is never edited; the bot's is", async () => {
    actionsToken();
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query(true)
      .reply(200, [
        { id: 10, body: `${marker}\nI am the plan now`, user: MALLORY },
        // a user account named like the bot's login without [bot] is someone else too
        { id: 11, body: `${marker}\nme too`, user: { login: "github-actions", id: 9001, type: "User" } },
        { id: 12, body: `${marker}\nold plan`, user: BOT },
      ]);
    nock(API).patch("/repos/acme/fleet/issues/comments/12", { body: "new" }).reply(200, { id: 12 });
    expect(await upsertComment(ctx, marker, "new")).toEqual({ action: "updated", id: 12 });
  });

  it("when only an attacker's comment carries the marker, a new comment is created and theirs untouched", async () => {
    actionsToken();
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query(true)
      .reply(200, [{ id: 10, body: `${marker}\nfake`, user: MALLORY }]);
    nock(API).post("/repos/acme/fleet/issues/7/comments", { body: "plan" }).reply(201, { id: 11 });
    // nock answers 501-like errors for anything not declared, so a PATCH of #10 would fail this test
    expect(await upsertComment(ctx, marker, "plan")).toEqual({ action: "created", id: 11 });
  });

  it("a personal token: GET /user says who we are, login and id must both match", async () => {
    nock(API).get("/user").reply(200, { login: "fleet-bot", id: 42, type: "User" });
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query(true)
      .reply(200, [
        { id: 20, body: `${marker}\nbot's`, user: BOT },
        { id: 21, body: `${marker}\nrenamed account`, user: { login: "fleet-bot", id: 43 } },
        { id: 22, body: `${marker}\nours`, user: { login: "fleet-bot", id: 42 } },
      ]);
    nock(API).patch("/repos/acme/fleet/issues/comments/22").reply(200, { id: 22 });
    expect((await upsertComment(ctx, marker, "b")).id).toBe(22);
  });

  it("a GitHub App's own installation token: WAGROUPS_COMMENT_AUTHOR names its bot", async () => {
    actionsToken();
    nock(API)
      .get("/repos/acme/fleet/issues/7/comments")
      .query(true)
      .reply(200, [
        { id: 30, body: `${marker}\nactions'`, user: BOT },
        { id: 31, body: `${marker}\nthe app's`, user: { login: "fleet-app[bot]", id: 77 } },
      ]);
    nock(API).patch("/repos/acme/fleet/issues/comments/31").reply(200, { id: 31 });
    expect((await upsertComment({ ...ctx, author: "fleet-app[bot]" }, marker, "b")).id).toBe(31);
  });

  it("tokenIdentity decides from the response; a refused token stops before any comment is read", async () => {
    actionsToken();
    expect(await tokenIdentity(ctx)).toEqual(ACTIONS_BOT);
    nock(API).get("/user").reply(200, { login: "dana", id: 5 });
    expect(await tokenIdentity(ctx)).toEqual({ login: "dana", id: 5 });
    nock(API).get("/user").reply(401, { message: "Bad credentials" });
    await expect(upsertComment(ctx, marker, "b")).rejects.toThrow(
      /^GitHub API GET \/user answered 401: Bad credentials \(GITHUB_TOKEN was refused\)$/,
    );
    nock(API).get("/user").reply(200, {});
    await expect(tokenIdentity(ctx)).rejects.toThrow(/without a login/);
  });

  it("a redirect is not followed with the token", async () => {
    nock(API).get("/user").reply(302, "", { location: "https://elsewhere.test/user" });
    await expect(tokenIdentity(ctx)).rejects.toThrow(/answered 302.*GITHUB_API_URL/);
  });
});

describe("the pull request from GITHUB_EVENT_PATH", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gh-"));
  const event = (data: unknown) => {
    const f = path.join(dir, `${Math.random()}.json`);
    writeFileSync(f, JSON.stringify(data));
    return f;
  };
  it("WAGROUPS_COMMENT_AUTHOR is carried as the comment author", () => {
    const f = event({ pull_request: { number: 1 }, repository: { full_name: "acme/fleet" } });
    expect(
      pullRequestContext({
        GITHUB_EVENT_PATH: f,
        GITHUB_TOKEN: "t0k3n-xyz",
        WAGROUPS_COMMENT_AUTHOR: " app[bot] ",
      }).author,
    ).toBe("app[bot]");
  });
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
    actionsToken();
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
