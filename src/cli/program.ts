// The command line: commander declares, the commands (loaded lazily, so --help stays fast) do.
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { configureLogger, DEFAULT_LEVEL, jsonNotice } from "../logger.js";
import type { LoadWorkers } from "../manifest/workers.js";
import { jsonLines, type Output, processOutput } from "./output.js";

export interface GlobalOptions {
  logLevel: string;
  color: boolean;
  jsonLogs: boolean;
}

const collect = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

/** A large fleet's loader threads, started before the command's own modules load (workers.ts), and
 * for a plan the heap capped when the fleet is large (heap.ts; validate holds only the manifests, and
 * peaks at 275 MiB on 10,000 x 1,024 with the cap or without). */
async function startWorkers(dir: string, plan: boolean): Promise<LoadWorkers | undefined> {
  const started = (await import("../manifest/workers.js")).startLoadWorkers(dir);
  if (plan) (await import("./heap.js")).capHeapForFleet(started);
  return started;
}

export function buildProgram(
  ioFactory: (g: GlobalOptions) => Output = (g) => processOutput({ noColor: !g.color, json: g.jsonLogs }),
): Command {
  const program: Command = new Command("wagroups")
    .description("WhatsApp groups as code: plan and apply YAML manifests through the Wawp API")
    .version(version(), "-v, --version", "print the version")
    .addOption(
      new Option("--log-level <level>", "log level (info shows retries and waits)")
        .choices(["trace", "debug", "info", "warn", "error", "silent"])
        .default(DEFAULT_LEVEL),
    )
    .option("--no-color", "no colour in the output (NO_COLOR is honoured too)")
    .option("--json-logs", "every line on stderr as JSON (logs, notices and errors)", false)
    .configureOutput({
      // a usage error is one line (commander's "did you mean" folded in) and a hint, not the whole help
      outputError: (str, write) =>
        program.opts<GlobalOptions>().jsonLogs
          ? jsonNotice("error", usageLine(str), { exitCode: 1 })
          : write(`wagroups: ${usageLine(str)}\n`),
      writeErr: (str) =>
        program.opts<GlobalOptions>().jsonLogs ? jsonLines(str) : process.stderr.write(str),
    });
  let io: Output | undefined;
  const ctx = () => {
    const g = program.opts<GlobalOptions>();
    io ??= ioFactory(g);
    return io;
  };
  program.hook("preAction", () => {
    const g = program.opts<GlobalOptions>();
    configureLogger({
      level: g.logLevel,
      json: g.jsonLogs,
      color: !!process.stderr.isTTY && g.color && !process.env.NO_COLOR,
    });
  });

  program
    .command("validate")
    .description("load and check every manifest; no network")
    .option("--dir <dir>", "manifest directory", "groups")
    .action(async (o) => {
      const started = await startWorkers(o.dir, false);
      await (await import("./commands/validate.js")).validateCommand({ ...o, started }, ctx());
    });

  program
    .command("plan")
    .description("read the live groups and print the changes apply would make")
    .option("--dir <dir>", "manifest directory", "groups")
    .option("--format <format>", "text, json or markdown", "text")
    .option("--out <file>", "also save the plan as JSON, for `wagroups apply <file>`")
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are")
    .option("--group <serial...>", "plan only these groups (repeatable or comma-separated)", collect)
    .option("--shard <i/n>", "plan only the groups whose serial hashes to shard i of n (e.g. 2/4)")
    .option("--sandbox", "use the built-in sandbox on purpose (also in CI; WAGROUPS_SANDBOX=1)")
    .option(
      "--github-comment",
      "post the Markdown plan on the pull request (GitHub Actions), editing it in place",
    )
    .action(async (o) => {
      const started = await startWorkers(o.dir, true);
      const m = await import("./commands/plan.js");
      await m.planCommand({ ...o, format: m.checkFormat(o.format), started }, ctx());
    });

  program
    .command("apply")
    .description("plan (or load a saved plan), confirm, and apply, throttled")
    .argument("[plan]", "a plan saved with `plan --out`")
    .option("--dir <dir>", "manifest directory (default: groups, or the saved plan's)")
    .option("--auto-approve", "do not ask for confirmation")
    .option("--force", "apply even a plan marked unsafe")
    .option("--group <serial...>", "apply only these groups", collect)
    .option("--shard <i/n>", "apply only the groups whose serial hashes to shard i of n")
    .option("--sandbox", "use the built-in sandbox on purpose (also in CI; WAGROUPS_SANDBOX=1)")
    .action(async (file, o) => {
      // apply, import and watch may hold a large fleet whatever its files say: always capped
      (await import("./heap.js")).capHeapGrowth();
      await (await import("./commands/apply.js")).applyCommand({ ...o, planFile: file }, ctx());
    });

  program
    .command("init")
    .description(
      "scaffold a manifests-only fleet repository (manifests, schemas, workflows); never overwrites",
    )
    .argument("[dir]", "the repository's folder", ".")
    .option("--self <number>", "the instance's own number, written as self in wagroups.yaml")
    .option("--groups <dir>", "the manifest directory inside the repository", "groups")
    .option("--branch <name>", "the branch whose pushes are applied", "main")
    .option("--shards <n>", "apply in this many shards")
    .action(async (dir, o) => (await import("./commands/init.js")).initCommand(dir, o, ctx()));

  program
    .command("import")
    .description("write manifests for live groups the instance administers that no manifest declares")
    .option("--dir <dir>", "manifest directory", "groups")
    .option("--serial-prefix <prefix>", "prefix for new serials (PREFIX-1, PREFIX-2, …)", "IMP")
    .option("--sandbox", "use the built-in sandbox on purpose (also in CI; WAGROUPS_SANDBOX=1)")
    .action(async (o) => {
      (await import("./heap.js")).capHeapGrowth();
      await (await import("./commands/import.js")).importCommand(o, ctx());
    });

  program
    .command("watch")
    .description("keep the fleet converged from the backend's webhooks (POST /webhooks/wawp)")
    .option("--dir <dir>", "manifest directory", "groups")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port (0 picks a free one)", "8080")
    .option("--resync <duration>", "full resync every (e.g. 30s, 10m, 1h)", "10m")
    .option("--dry-run", "only log the plans")
    .option("--insecure-no-webhook-auth", "accept unsigned webhooks (no WAGROUPS_WEBHOOK_SECRET)")
    .option("--sandbox", "use the built-in sandbox on purpose (also in CI; WAGROUPS_SANDBOX=1)")
    .action(async (o) => {
      (await import("./heap.js")).capHeapGrowth();
      const level = program.getOptionValueSource("logLevel") === "cli" ? program.opts().logLevel : undefined;
      await (await import("./commands/watch.js")).watchCommand(
        { ...o, ...(level ? { logLevel: level } : {}) },
        ctx(),
      );
    });

  const sandbox = program.command("sandbox").description("the built-in Wawp simulator");
  sandbox
    .command("serve")
    .description("serve the simulator over HTTP on 127.0.0.1; prints its base URL first")
    .option("--port <n>", "port (0 picks a free one)", "0")
    .option("--state <file>", "keep the state in this file (created from the seed)")
    .option("--faults <spec>", "inject faults, e.g. error=0.1,lost=0.05,429=0.1,latency=10-50,seed=7")
    .option("--instance <id>", "the instance ID it accepts", "sandbox")
    .option("--token <token>", "the access token it accepts", "sandbox")
    .option(
      "--engine <engine>",
      "answer as wawp (documented, default), webjs, noweb, noweb-lid, gows or zapo",
    )
    .option(
      "--backend <backend>",
      "wawp (/v2, query credentials) or waha (also /api/{session}, X-Api-Key)",
      "wawp",
    )
    .option("--session <name>", "the WAHA session it serves (with --backend waha)", "default")
    .option(
      "--quirks <list>",
      "play a server that differs: old-server, not-business, noweb-store-off, participants-null (comma-separated)",
    )
    .option("--webhook <url>", "POST signed group events here when the state changes (for watch)")
    .option("--webhook-secret <secret>", "HMAC key for --webhook (default: WAGROUPS_WEBHOOK_SECRET)")
    .action(async (o) => (await import("./commands/sandbox.js")).serveCommand(o, ctx()));
  sandbox
    .command("drift")
    .description(
      "change the local sandbox's live groups behind the manifests' back (for trying drift detection)",
    )
    .option("--state <file>", "the state file")
    .option("--dir <dir>", "the manifests whose groups drift", "groups")
    .option("--seed <n>", "which groups and people (a number)", "1")
    .option("--changes <n>", "how many: a subject, a member, a setting, a description, in turn", "3")
    .option("--url <url>", "drift a running `sandbox serve` at this URL instead of the state file")
    .action(async (o) => (await import("./commands/sandbox.js")).driftCommand(o, ctx()));
  sandbox
    .command("reset")
    .description("reset the local sandbox (.wagroups/sandbox.json) to its seed")
    .option("--state <file>", "the state file")
    .action(async (o) => (await import("./commands/sandbox.js")).resetCommand(o, ctx()));
  hintOnUsageErrors(program);
  return program;
}

/** Commander's error text as one line: "error: unknown command 'plna'\n(Did you mean plan?)" and the like. */
function usageLine(text: string): string {
  return text
    .trim()
    .replace(/^error: /, "")
    .replace(/\s*\n\s*\(Did you mean (.+)\?\)$/s, " (did you mean $1?)")
    .replace(/\s*\n\s*/g, " ");
}

/** After a usage error, each command names its own --help instead of printing it. */
function hintOnUsageErrors(cmd: Command, path = "wagroups"): void {
  cmd.showHelpAfterError(`Run "${path} --help" for usage.`);
  for (const sub of cmd.commands) hintOnUsageErrors(sub, `${path} ${sub.name()}`);
}

function version(): string {
  return (
    JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
  ).version;
}
