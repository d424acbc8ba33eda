// One sticky plan comment per pull request (and per manifest directory): found by a hidden marker and
// edited in place on every run, so a PR never collects a pile of stale plans.
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

/** Create the comment, or edit the one carrying `marker`. */
export async function upsertComment(
  ctx: PullRequestContext,
  marker: string,
  body: string,
  fetchImpl: Fetch = fetch,
): Promise<UpsertResult> {
  addSecret(ctx.token);
  const api = async (method: string, path: string, payload?: unknown) => {
    let res: Response;
    try {
      res = await fetchImpl(`${ctx.apiUrl}${path}`, {
        method,
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
    return text ? (JSON.parse(text) as unknown) : null;
  };
  const issue = `/repos/${ctx.repo}/issues/${ctx.number}`;
  for (let page = 1; page <= 50; page++) {
    const comments = (await api("GET", `${issue}/comments?per_page=100&page=${page}`)) as {
      id: number;
      body?: string;
    }[];
    const mine = comments.find((c) => c.body?.includes(marker));
    if (mine) {
      const updated = (await api("PATCH", `/repos/${ctx.repo}/issues/comments/${mine.id}`, { body })) as {
        html_url?: string;
      };
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
  const hint =
    status === 403
      ? " (the token may not write pull-request comments: pull requests from forks get a read-only token; give the job `permissions: pull-requests: write`)"
      : status === 404
        ? " (no such repository or pull request, or the token cannot see it)"
        : status === 401
          ? " (GITHUB_TOKEN was refused)"
          : "";
  return redact(
    `GitHub API ${method} ${path.split("?")[0]} answered ${status}${detail ? `: ${detail}` : ""}${hint}`,
  );
}
