import { writeFileSync } from "node:fs";
import { ExitError, UsageError } from "../../errors.js";
import type { LoadWorkers } from "../../manifest/workers.js";
import { hasChanges, type Plan } from "../../plan/change.js";
import { renderJson } from "../../plan/render/json.js";
import { renderMarkdown } from "../../plan/render/markdown.js";
import { renderText } from "../../plan/render/text.js";
import { parseShard } from "../../plan/shard.js";
import { type Instance, planStreaming } from "../../reconcile/index.js";
import { type Connection, connect } from "../connect.js";
import type { Output } from "../output.js";
import { checkTargets } from "../targets.js";
import { loadOrExitAsync } from "./validate.js";

export type Format = "text" | "json" | "markdown";

export interface PlanOptions {
  /** --sandbox */
  sandbox?: boolean;
  dir: string;
  format: Format;
  out?: string;
  detailedExitcode?: boolean;
  group?: string[];
  githubComment?: boolean;
  shard?: string;
  /** the fleet's listing and loader threads, started ahead (program.ts) */
  started?: LoadWorkers | undefined;
}

export function checkFormat(f: string): Format {
  if (f === "text" || f === "json" || f === "markdown") return f;
  throw new UsageError(`--format must be text, json or markdown (got "${f}")`);
}

/** The instance behind a connection, for the reconcile pipeline. */
export function instanceOf(conn: Connection): Instance {
  return { reader: conn.client, ...(conn.sandbox ? { self: conn.sandbox.self } : {}) };
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
  const conn = await connect({ sandbox: !!opts.sandbox, notice: (l) => io.err(`${l}\n`) });
  try {
    // fingerprints matter only to a saved plan
    const saving = !!opts.out || opts.format === "json";
    const { plan: p } = await planStreaming(instanceOf(conn), {
      desired: loadOrExitAsync(opts.dir, io, opts.started).then((r) => checkTargets(opts.group, r.desired)),
      targets: opts.group ?? [],
      ...(shard ? { shard } : {}),
      fingerprints: saving,
      notice: (l) => io.err(`${l}\n`),
    });
    p.dir = opts.dir;
    p.target = conn.label;
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
