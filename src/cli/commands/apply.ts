import { readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { type ApplyReport, execute, type GroupResult } from "../../apply/execute.js";
import { ConfigError, ExitError, UnsafePlanError, UsageError } from "../../errors.js";
import { writeStepSummary } from "../../github/summary.js";
import { log } from "../../logger.js";
import { validator } from "../../manifest/schema.js";
import { hasChanges, MATCHES, type Plan } from "../../plan/change.js";
import { maskText } from "../../plan/render/markdown.js";
import { peopleList } from "../../plan/render/people.js";
import { renderText } from "../../plan/render/text.js";
import { parseShard } from "../../plan/shard.js";
import { observe, planStreaming, recheckSaved } from "../../reconcile/index.js";
import { connect } from "../connect.js";
import { acquireLock } from "../lock.js";
import type { Output } from "../output.js";
import { checkTargets } from "../targets.js";
import { instanceOf } from "./plan.js";
import { loadOrExitAsync } from "./validate.js";

export interface ApplyOptions {
  /** --sandbox */
  sandbox?: boolean;
  planFile?: string;
  /** unset: the saved plan's directory, else groups */
  dir?: string;
  autoApprove?: boolean;
  force?: boolean;
  group?: string[];
  shard?: string;
  /** tests answer the prompt */
  confirm?: () => Promise<string>;
  stdinIsTTY?: boolean;
}

export function readSavedPlan(file: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`${file}: not a saved plan (${(e as Error).message.split("\n")[0]})`);
  }
  const v = validator("plan");
  if (!v(data)) {
    const first = v.errors?.[0];
    throw new ConfigError(
      `${file}: not a wagroups plan (${first?.instancePath || "/"} ${first?.message ?? "invalid"})`,
    );
  }
  return data as Plan;
}

export async function applyCommand(opts: ApplyOptions, io: Output): Promise<void> {
  const saved = opts.planFile ? readSavedPlan(opts.planFile) : undefined;
  const dir = opts.dir ?? saved?.dir ?? "groups";
  const targets =
    opts.group ?? (saved ? saved.groups.filter((g) => g.changes.length).map((g) => g.serial) : []);
  const shard = opts.shard ? parseShard(opts.shard) : undefined;
  const conn = await connect({ sandbox: !!opts.sandbox, notice: (l) => io.err(`${l}\n`) });
  // one apply at a time per instance on this machine: two at once would create and say everything twice
  const lock = await acquireLock(conn.lockKey, {
    waitMs: lockWait(process.env.WAGROUPS_LOCK_WAIT),
    onWait: (h) =>
      io.err(`wagroups: waiting for another apply against ${conn.label} (pid ${h.pid}) to finish\n`),
  }).catch(async (e) => {
    await conn.finish();
    throw e;
  });
  try {
    const request = {
      desired: loadOrExitAsync(dir, io).then((r) => checkTargets(opts.group, r.desired)),
      targets,
      ...(shard ? { shard } : {}),
      notice: (l: string) => io.err(`${l}\n`),
    };
    const now = Math.floor(Date.now() / 1000);
    let plan: Plan;
    let skipped: GroupResult[] = [];
    if (saved) {
      // apply what was reviewed, as it was saved, where the live group is still what it was
      const rechecked = recheckSaved(saved, await observe(instanceOf(conn), request), now);
      plan = rechecked.plan;
      skipped = rechecked.skipped;
    } else {
      plan = (await planStreaming(instanceOf(conn), { ...request, now })).plan;
      plan.dir = dir;
      plan.target = conn.label;
    }
    const blocked = plan.groups.filter((g) => g.blocked);
    // a blocked group needs a person to fix it: the others are applied, and the run ends in error
    const blockedError = () =>
      new ExitError(
        1,
        `${blocked.length} group(s) blocked: ${blocked.map((g) => `${g.serial} (${g.blocked})`).join("; ")}`,
      );
    if (!hasChanges(plan) && !skipped.length) {
      io.out(renderText(plan, { color: io.color }));
      writeStepSummary(`### wagroups apply${sandboxNote(plan)}\n\n**No changes.** ${MATCHES}\n`);
      if (blocked.length) throw blockedError();
      return;
    }
    io.out(renderText(plan, { color: io.color }));
    if (plan.unsafe.length && !opts.force) throw new UnsafePlanError(plan.unsafe);
    if (!opts.autoApprove) {
      const tty = opts.stdinIsTTY ?? !!process.stdin.isTTY;
      if (!tty && !opts.confirm)
        throw new UsageError("apply asks for confirmation and stdin is not a terminal; pass --auto-approve");
      const answer = await (opts.confirm ?? ask)();
      if (answer.trim() !== "yes") throw new ExitError(1, "apply cancelled: only 'yes' approves");
    }
    const started = Date.now();
    let lastTick = started;
    const report = await execute(plan, {
      reader: conn.client,
      mutator: conn.client,
      ...(conn.clock ? { clock: conn.clock } : {}),
      onGroup: (r, done, total) => {
        if (io.isTTY || total <= 50 || Date.now() - lastTick > 30_000 || done === total) {
          lastTick = Date.now();
          io.err(`${progressLine(r)}  [${done}/${total}]\n`);
        }
      },
    });
    report.groups.push(...skipped);
    if (skipped.length) report.incomplete = true;
    io.out(summarize(report, plan, Date.now() - started));
    writeStepSummary(applyMarkdown(report, plan));
    if (blocked.length) throw blockedError();
    if (report.incomplete) throw new ExitError(3, "apply left work undone; run it again later");
  } finally {
    await conn.finish();
    lock.release();
  }
}

/** WAGROUPS_LOCK_WAIT: seconds to wait for another apply (default 30). */
function lockWait(v: string | undefined): number {
  const s = v === undefined || v.trim() === "" ? 30 : Number(v);
  if (!Number.isFinite(s) || s < 0)
    throw new UsageError(`WAGROUPS_LOCK_WAIT must be a number of seconds (got "${v}")`);
  return s * 1000;
}

async function ask(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question("\nDo you want to apply these changes? Only 'yes' will be accepted: ");
  } finally {
    rl.close();
  }
}

const mark: Record<GroupResult["status"], string> = {
  done: "✓",
  deferred: "…",
  failed: "✗",
  skipped: "↷",
};

function progressLine(r: GroupResult): string {
  return `${mark[r.status]} ${r.serial} ${r.status}${r.writes ? ` (${r.writes} write${r.writes === 1 ? "" : "s"})` : ""}${r.notes.length ? `: ${r.notes[0]}` : ""}`;
}

export function summarize(report: ApplyReport, plan: Plan, elapsedMs: number): string {
  const by = (s: GroupResult["status"]) => report.groups.filter((g) => g.status === s);
  const lines = [""];
  lines.push(
    `Apply: ${by("done").length} done, ${by("deferred").length} deferred, ${by("failed").length} failed, ${by("skipped").length} skipped; ${report.writes} write(s) in ${(elapsedMs / 1000).toFixed(1)}s`,
  );
  for (const g of by("deferred"))
    lines.push(
      `  … ${g.serial}: ${g.notes.join("; ")}${g.retryAt ? ` (run again after ${new Date(g.retryAt).toISOString()})` : ""}`,
    );
  for (const g of [...by("failed"), ...by("skipped")])
    for (const n of g.notes) lines.push(`  ✗ ${g.serial}: ${n}`);
  for (const g of by("done")) for (const n of g.notes) lines.push(`  ! ${g.serial}: ${n}`);
  if (report.labels)
    lines.push(
      `  labels (managed): ${report.labels.status}, ${report.labels.writes} write(s)${report.labels.notes.length ? `: ${report.labels.notes.join("; ")}` : ""}`,
    );
  const invited = report.groups.flatMap((g) => g.invited.map((j) => ({ g, j })));
  if (invited.length) {
    lines.push(
      `Pending invites (sent the group's link; they show as pending until they join): ${invited.length}`,
    );
    for (const { g, j } of invited) lines.push(`  ${g.serial}: ${peopleList([j], plan.aliases, false)}`);
  }
  log().debug({ writes: report.writes }, "apply finished");
  return `${lines.join("\n")}\n`;
}

const sandboxNote = (plan: Plan) =>
  plan.target === "sandbox" ? " (SANDBOX: the built-in simulator, not WhatsApp)" : "";

/** The job summary of an apply: counts and one row per group, numbers masked. */
export function applyMarkdown(report: ApplyReport, plan: Plan): string {
  const by = (st: GroupResult["status"]) => report.groups.filter((g) => g.status === st).length;
  const lines = [
    `### wagroups apply${sandboxNote(plan)}`,
    "",
    `**${by("done")} done, ${by("deferred")} deferred, ${by("failed")} failed, ${by("skipped")} skipped; ${report.writes} write(s).**`,
    "",
  ];
  if (report.groups.length) {
    lines.push("| Group | Result | Writes | Notes |", "|---|---|---|---|");
    for (const g of report.groups) {
      const notes = [
        ...g.notes,
        ...(g.invited.length ? [`invited: ${peopleList(g.invited, plan.aliases, true)}`] : []),
      ];
      lines.push(
        `| \`${g.serial}\` | ${mark[g.status]} ${g.status} | ${g.writes} | ${maskText(notes.join("; ")).replace(/\|/g, "\\|")} |`,
      );
    }
  }
  if (report.incomplete)
    lines.push("", "> [!NOTE]", "> Work was left undone (exit code 3); the next run finishes it.");
  return `${lines.join("\n")}\n`;
}
