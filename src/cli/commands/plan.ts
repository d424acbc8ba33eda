import { writeFileSync } from "node:fs";
import { ExitError, UsageError } from "../../errors.js";
import type { Live, LiveGroup } from "../../live.js";
import type { Config, Desired } from "../../manifest/types.js";
import { hasChanges, type Plan } from "../../plan/change.js";
import { inferSelf } from "../../plan/identity.js";
import { plan } from "../../plan/plan.js";
import { enrich } from "../../plan/refresh.js";
import { renderJson } from "../../plan/render/json.js";
import { renderMarkdown } from "../../plan/render/markdown.js";
import { renderText } from "../../plan/render/text.js";
import { inShard, parseShard, type Shard } from "../../plan/shard.js";
import { type Connection, connect } from "../../wawp/connect.js";
import type { Output } from "../output.js";
import { loadOrExitAsync } from "./validate.js";

export type Format = "text" | "json" | "markdown";

export interface PlanOptions {
  dir: string;
  format: Format;
  out?: string;
  detailedExitcode?: boolean;
  group?: string[];
  githubComment?: boolean;
  shard?: string;
}

export function checkFormat(f: string): Format {
  if (f === "text" || f === "json" || f === "markdown") return f;
  throw new UsageError(`--format must be text, json or markdown (got "${f}")`);
}

export interface Planned {
  desired: Desired;
  live: Live;
  plan: Plan;
}

/** Load, read live, plan: what `plan` prints and `apply` executes. */
export async function computePlan(
  dir: string,
  conn: Connection,
  io: Output,
  targets: string[] = [],
  fingerprints = true,
  shard?: Shard,
): Promise<Planned> {
  // the listing is asked for first: the server prepares it while the manifests load
  const listing = conn.client.listGroups();
  listing.catch(() => undefined); // awaited below, after the manifests are known to be good
  const { desired } = await loadOrExitAsync(dir, io);
  const groups = await listing;
  resolveSelf(desired.config, conn, groups, io);
  const now = Math.floor(Date.now() / 1000);
  const owns = (serial: string) => inShard(serial, shard);
  const live = await enrich(conn.client, desired, groups, { now, targets, owns });
  const p = plan(desired, live, { now, targets, fingerprints, owns });
  p.createdAt = new Date(now * 1000).toISOString();
  p.dir = dir;
  p.target = conn.label;
  return { desired, live, plan: p };
}

/**
 * Who the instance is, when wagroups.yaml and WAWP_SELF do not say: the sandbox knows; otherwise the
 * one number in every listed group (said on stderr, since it is a guess).
 */
export function resolveSelf(
  config: Config,
  conn: Connection,
  groups: LiveGroup[],
  io: Output,
): string | undefined {
  if (config.self) return config.self;
  if (conn.sandbox) {
    config.self = conn.sandbox.self;
    return config.self;
  }
  const self = inferSelf(groups);
  if (self) {
    config.self = self;
    io.err(
      `wagroups: self is not configured; the instance is ${self.split("@")[0]} (the one number in every group); set WAWP_SELF to be sure\n`,
    );
  }
  return self;
}

export function render(p: Plan, format: Format, io: Output): string {
  if (format === "json") return renderJson(p);
  if (format === "markdown") return renderMarkdown(p);
  return renderText(p, { color: io.color });
}

export async function planCommand(opts: PlanOptions, io: Output): Promise<void> {
  const shard = opts.shard ? parseShard(opts.shard) : undefined;
  // fail on a missing token or event before reading anything; GitHub code loads only when used
  const gh = opts.githubComment || process.env.GITHUB_STEP_SUMMARY ? await loadGithub() : undefined;
  const github = opts.githubComment ? gh!.pullRequestContext() : undefined;
  const conn = connect({ notice: (l) => io.err(`${l}\n`) });
  try {
    // fingerprints matter only to a saved plan
    const saving = !!opts.out || opts.format === "json";
    const { plan: p } = await computePlan(opts.dir, conn, io, opts.group ?? [], saving, shard);
    io.out(render(p, opts.format, io));
    if (opts.out) {
      writeFileSync(opts.out, renderJson(p));
      io.err(`Saved the plan to ${opts.out}; apply it with: wagroups apply ${opts.out}\n`);
    }
    const title = `wagroups plan${opts.dir !== "groups" ? ` (${opts.dir})` : ""}${shard ? ` shard ${shard.index}/${shard.count}` : ""}`;
    gh?.writeStepSummary(renderMarkdown(p, { marker: "", title }));
    if (github && gh) {
      // one comment per pull request and directory (and shard), edited in place on every run
      const marker = gh.markerFor(`${opts.dir}${shard ? `#${shard.index}/${shard.count}` : ""}`);
      const footer = `\n<sub>Updated by wagroups at ${p.createdAt ?? new Date().toISOString()}${github.sha ? ` for ${github.sha.slice(0, 7)}` : ""}.</sub>\n`;
      try {
        const r = await gh.upsertComment(github, marker, renderMarkdown(p, { marker, title }) + footer);
        io.err(
          `wagroups: ${r.action} the plan comment on ${github.repo}#${github.number}${r.url ? ` (${r.url})` : ""}\n`,
        );
      } catch (e) {
        // the plan stands; only the comment failed, and the exit code stays the plan's
        if (!(e instanceof gh.GitHubError)) throw e;
        io.err(`wagroups: could not post the plan comment: ${e.message}\n`);
      }
    }
    const blocked = p.groups.filter((g) => g.blocked);
    if (blocked.length)
      throw new ExitError(
        1,
        `${blocked.length} group(s) blocked: ${blocked.map((g) => g.serial).join(", ")}`,
      );
    if (opts.detailedExitcode && hasChanges(p)) throw new ExitError(2);
  } finally {
    await conn.finish();
  }
}

async function loadGithub() {
  const [comment, context, summary] = await Promise.all([
    import("../../github/comment.js"),
    import("../../github/context.js"),
    import("../../github/summary.js"),
  ]);
  return { ...comment, ...context, ...summary };
}
