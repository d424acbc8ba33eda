// What GitHub Actions tells a step about where it runs: the pull request, the API, the token.
import { readFileSync } from "node:fs";
import { ConfigError } from "../errors.js";
import { addSecret } from "../redact.js";

export interface PullRequestContext {
  apiUrl: string;
  token: string;
  /** owner/name */
  repo: string;
  number: number;
  /** the commit the plan was made for, when the event says */
  sha?: string;
  /** the login whose comments are ours when the token is a GitHub App's own (WAGROUPS_COMMENT_AUTHOR) */
  author?: string;
}

type Env = Record<string, string | undefined>;

/** The parts of a webhook payload this reads. */
interface GitHubEvent {
  number?: number;
  pull_request?: { number?: number; head?: { sha?: string } };
  issue?: { number?: number; pull_request?: unknown };
  repository?: { full_name?: string };
}

/** The pull request named by GITHUB_EVENT_PATH (pull_request, pull_request_target or a PR's issue_comment). */
export function pullRequestContext(env: Env = process.env): PullRequestContext {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token)
    throw new ConfigError(
      "--github-comment needs GITHUB_TOKEN (in a workflow: env: GITHUB_TOKEN: ${{ github.token }})",
    );
  addSecret(token);
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath)
    throw new ConfigError(
      "--github-comment needs GITHUB_EVENT_PATH: run it in GitHub Actions on a pull_request event",
    );
  let event: GitHubEvent;
  try {
    event = JSON.parse(readFileSync(eventPath, "utf8")) as GitHubEvent;
  } catch (e) {
    throw new ConfigError(
      `GITHUB_EVENT_PATH ${eventPath}: cannot read the event (${(e as Error).message.split("\n")[0]})`,
    );
  }
  const pr = event.pull_request ?? (event.issue?.pull_request ? event.issue : undefined);
  const number = Number(pr?.number ?? event.number);
  if (!Number.isInteger(number) || number <= 0)
    throw new ConfigError(
      `GITHUB_EVENT_PATH ${eventPath}: not a pull request event; --github-comment runs on pull_request`,
    );
  const repo = String(event.repository?.full_name ?? env.GITHUB_REPOSITORY ?? "");
  if (!/^[^/\s]+\/[^/\s]+$/.test(repo))
    throw new ConfigError(
      "cannot tell the repository: the event has no repository.full_name and GITHUB_REPOSITORY is not set",
    );
  const sha = event.pull_request?.head?.sha ?? env.GITHUB_SHA;
  const author = env.WAGROUPS_COMMENT_AUTHOR?.trim();
  return {
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    token,
    repo,
    number,
    ...(sha ? { sha: String(sha) } : {}),
    ...(author ? { author } : {}),
  };
}
