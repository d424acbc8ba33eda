// `wagroups watch`: keep the fleet converged from the backend's webhooks. This file is the CLI side:
// flags, the secret, the backend, the signals; the work is src/watch/.
import { UsageError } from "../../errors.js";
import { createLogger } from "../../logger.js";
import { addSecret } from "../../redact.js";
import { startWatch } from "../../watch/watch.js";
import { connect } from "../connect.js";
import type { Output } from "../output.js";

export interface WatchCommandOptions {
  dir: string;
  host: string;
  port: string;
  resync: string;
  dryRun?: boolean;
  insecureNoWebhookAuth?: boolean;
  sandbox?: boolean;
  /** the global --log-level when given on the command line; watch logs at info otherwise */
  logLevel?: string;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `10m`, `30s`, `1h`, `500ms` -> ms; at least one second. */
export function parseDuration(v: string, flag = "--resync"): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : Number.NaN;
  if (!(ms >= 1000))
    throw new UsageError(`${flag} must be a duration of at least 1s like 30s, 10m or 1h (got "${v}")`);
  return ms;
}

export interface CheckedWatchOptions {
  port: number;
  resyncMs: number;
  secret: string | undefined;
}

/** Flag and environment checks, callable from tests. */
export function checkWatchOptions(
  o: WatchCommandOptions,
  env: Record<string, string | undefined> = process.env,
): CheckedWatchOptions {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0 to 65535 (got "${o.port}")`);
  const resyncMs = parseDuration(o.resync);
  const secret = env.WAGROUPS_WEBHOOK_SECRET || undefined;
  if (!secret && !o.insecureNoWebhookAuth)
    throw new UsageError(
      "WAGROUPS_WEBHOOK_SECRET is not set: watch verifies every webhook's X-Webhook-Hmac with it (or pass --insecure-no-webhook-auth)",
    );
  if (secret && o.insecureNoWebhookAuth)
    throw new UsageError("--insecure-no-webhook-auth with WAGROUPS_WEBHOOK_SECRET set: choose one");
  return { port, resyncMs, secret };
}

export async function watchCommand(o: WatchCommandOptions, io: Output): Promise<void> {
  const checked = checkWatchOptions(o);
  if (checked.secret) addSecret(checked.secret);
  // a service's logs: JSON lines on stderr, at info unless --log-level says otherwise
  const log = createLogger({ level: o.logLevel ?? "info", json: true });
  const conn = await connect({ sandbox: !!o.sandbox, notice: (l) => io.err(`${l}\n`) });
  // the in-process sandbox keeps its state in a file: save it as it changes, not only at exit
  const saver = conn.sandbox ? setInterval(() => void conn.finish(), 1000) : undefined;
  let watch: Awaited<ReturnType<typeof startWatch>>;
  try {
    watch = await startWatch({
      dir: o.dir,
      host: o.host,
      port: checked.port,
      resyncMs: checked.resyncMs,
      dryRun: !!o.dryRun,
      secret: checked.secret,
      client: conn.client,
      ...(conn.sandbox ? { self: conn.sandbox.self } : {}),
      log,
    });
  } catch (e) {
    if (saver) clearInterval(saver);
    await conn.finish();
    throw e instanceof UsageError ? e : new UsageError(`watch cannot start: ${(e as Error).message}`);
  }
  io.out(`listening on ${watch.url}\n`);
  if (!checked.secret)
    io.err("wagroups: watch: webhooks are NOT authenticated (--insecure-no-webhook-auth)\n");
  const onHup = () => watch.reload();
  process.on("SIGHUP", onHup);
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  log.info({ signal }, "stopping: the call in flight finishes");
  process.off("SIGHUP", onHup);
  await watch.stop();
  if (saver) clearInterval(saver);
  await conn.finish();
  // a keep-alive socket must not hold a stopped service up
  setTimeout(() => process.exit(0), 2000).unref();
}
