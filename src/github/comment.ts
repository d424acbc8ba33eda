// One sticky plan comment per pull request (and per manifest directory): found by a hidden marker and
// edited in place on every run, so a PR never collects a pile of stale plans. Only a comment the token's
// own identity wrote is ever edited: anyone can paste the marker into a comment of their own.
import { WagroupsError } from "../errors.js";
import { addSecret, redact } from "../redact.js";
import type { PullRequestContext } from "./context.js";

export class GitHubError extends WagroupsError {
  override name = "GitHubError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const markerFor = (dir: string) => `<!-- wagroups-plan dir=${dir.replace(/-->/g, "")} -->`;

type Fetch = typeof fetch;

export interface UpsertResult {
  action: "created" | "updated";
  id: number;
  url?: string;
}

/** Who writes the comments: a login, and the account id when GitHub told us. */
export interface CommentAuthor {
  login: string;
  id?: number;
}

/** The author of every comment made with an Actions GITHUB_TOKEN (a GitHub App installation token). */
export const ACTIONS_BOT: CommentAuthor = { login: "github-actions[bot]", id: 41898282 };

interface ApiComment {
  id: number;
  body?: string;
  user?: { login?: string; id?: number } | null;
}

type Api = (method: string, path: string, payload?: unknown) => Promise<unknown>;

function githubApi(ctx: PullRequestContext, fetchImpl: Fetch): Api {
  return async (method, path, payload) => {
    let res: Response;
    try {
      res = await fetchImpl(`${ctx.apiUrl}${path}`, {
        method,
        redirect: "manual", // never carry the token to another host
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${ctx.token}`,
          "x-github-api-version": "2022-11-28",
          "user-agent": "wagroups",
          ...(payload ? { "content-type": "application/json" } : {}),
        },
        ...(payload ? { body: JSON.stringify(payload) } : {}),
      });
    } catch (e) {
      throw new GitHubError(0, redact(`GitHub API unreachable at ${ctx.apiUrl}: ${(e as Error).message}`));
    }
    const text = await res.text();
    if (!res.ok) throw new GitHubError(res.status, explain(res.status, method, path, text));
    try {
      return text ? (JSON.parse(text) as unknown) : null;
    } catch {
      throw new GitHubError(
        res.status,
        `GitHub API ${method} ${path.split("?")[0]} answered ${res.status} without JSON`,
      );
    }
  };
}

/**
 * The identity behind the token. A personal token answers `GET /user`; an installation token (the Actions
 * GITHUB_TOKEN) is refused there with 403 "Resource not accessible by integration", and its comments are
 * `github-actions[bot]`'s, or `ctx.author`'s when the workflow uses its own GitHub App.
 */
export async function tokenIdentity(
  ctx: PullRequestContext,
  fetchImpl: Fetch = fetch,
): Promise<CommentAuthor> {
  addSecret(ctx.token);
  try {
    const me = (await githubApi(ctx, fetchImpl)("GET", "/user")) as { login?: unknown; id?: unknown } | null;
    if (typeof me?.login !== "string" || !me.login)
      throw new GitHubError(
        200,
        "GitHub API GET /user answered without a login: cannot tell whose comment is ours",
      );
    return { login: me.login, ...(typeof me.id === "number" ? { id: me.id } : {}) };
  } catch (e) {
    if (e instanceof GitHubError && e.status === 403 && /not accessible by integration/i.test(e.message))
      return ctx.author ? { login: ctx.author } : ACTIONS_BOT;
    throw e;
  }
}

const writtenBy = (c: ApiComment, me: CommentAuthor) =>
  c.user?.login === me.login && (me.id === undefined || c.user.id === me.id);

/** Create the comment, or edit the one carrying `marker` that the token's own identity wrote. */
export async function upsertComment(
  ctx: PullRequestContext,
  marker: string,
  body: string,
  fetchImpl: Fetch = fetch,
): Promise<UpsertResult> {
  addSecret(ctx.token);
  const api = githubApi(ctx, fetchImpl);
  const me = await tokenIdentity(ctx, fetchImpl);
  const issue = `/repos/${ctx.repo}/issues/${ctx.number}`;
  for (let page = 1; page <= 50; page++) {
    const comments = await api("GET", `${issue}/comments?per_page=100&page=${page}`);
    if (!Array.isArray(comments))
      throw new GitHubError(200, `GitHub API GET ${issue}/comments answered something that is not a list`);
    const mine = (comments as ApiComment[]).find((c) => writtenBy(c, me) && c.body?.includes(marker));
    if (mine) {
      const updated = (await api("PATCH", `/repos/${ctx.repo}/issues/comments/${mine.id}`, { body })) as {
        html_url?: string;
      } | null;
      return { action: "updated", id: mine.id, ...(updated?.html_url ? { url: updated.html_url } : {}) };
    }
    if (comments.length < 100) break;
  }
  const created = (await api("POST", `${issue}/comments`, { body })) as { id: number; html_url?: string };
  return { action: "created", id: created.id, ...(created.html_url ? { url: created.html_url } : {}) };
}

function explain(status: number, method: string, path: string, text: string): string {
  let detail = "";
  try {
    detail = String((JSON.parse(text) as { message?: string }).message ?? "");
  } catch {
    detail = text.slice(0, 120);
  }
  detail = detail.replace(/\s+/g, " ").trim();
  const hint =
    status === 403 && path !== "/user"
      ? " (the token may not write pull-request comments: pull requests from forks get a read-only token; give the job `permissions: pull-requests: write`)"
      : status === 404
        ? " (no such repository or pull request, or the token cannot see it)"
        : status === 401
          ? " (GITHUB_TOKEN was refused)"
          : status >= 300 && status < 400
            ? " (a redirect: set GITHUB_API_URL to the API's own address)"
            : "";
  return redact(
    `GitHub API ${method} ${path.split("?")[0]} answered ${status}${detail ? `: ${detail}` : ""}${hint}`,
  );
}
