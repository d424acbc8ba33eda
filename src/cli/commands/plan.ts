import { writeFileSync } from "node:fs";
import { ExitError, UsageError } from "../../errors.js";
import type { Live } from "../../live.js";
import type { Desired } from "../../manifest/types.js";
import { hasChanges, type Plan } from "../../plan/change.js";
import { plan } from "../../plan/plan.js";
import { readLive } from "../../plan/refresh.js";
import { renderJson } from "../../plan/render/json.js";
import { renderMarkdown } from "../../plan/render/markdown.js";
import { renderText } from "../../plan/render/text.js";
import { type Connection, connect } from "../../wawp/connect.js";
import type { Output } from "../output.js";
import { loadOrExit } from "./validate.js";

export type Format = "text" | "json" | "markdown";

export interface PlanOptions {
  dir: string;
  format: Format;
  out?: string;
  detailedExitcode?: boolean;
  group?: string[];
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
): Promise<Planned> {
  const { desired } = loadOrExit(dir, io);
  if (!desired.config.self && conn.sandbox) desired.config.self = conn.sandbox.self;
  const now = Math.floor(Date.now() / 1000);
  const live = await readLive(conn.client, desired, { now, targets });
  const p = plan(desired, live, { now, targets });
  p.createdAt = new Date(now * 1000).toISOString();
  p.dir = dir;
  p.target = conn.label;
  return { desired, live, plan: p };
}

export function render(p: Plan, format: Format, io: Output): string {
  if (format === "json") return renderJson(p);
  if (format === "markdown") return renderMarkdown(p);
  return renderText(p, { color: io.color });
}

export async function planCommand(opts: PlanOptions, io: Output): Promise<void> {
  const conn = connect({ notice: (l) => io.err(`${l}\n`) });
  try {
    const { plan: p } = await computePlan(opts.dir, conn, io, opts.group ?? []);
    io.out(render(p, opts.format, io));
    if (opts.out) {
      writeFileSync(opts.out, renderJson(p));
      io.err(`Saved the plan to ${opts.out}; apply it with: wagroups apply ${opts.out}\n`);
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
