// `wagroups watch` as a library: the webhook server, the per-group queue, the resync loop and the
// manifest reloads, joined. The CLI command only chooses the backend, the secret and the signals.
import { TokenBucket } from "../apply/throttle.js";
import type { Wawp } from "../live/types.js";
import type { Logger } from "../logger.js";
import { hear } from "./events.js";
import { FleetSource, type Reloaded } from "./fleet.js";
import type { GroupCaller } from "./focus.js";
import { WatchMetrics } from "./metrics.js";
import { GroupQueue } from "./queue.js";
import { Reconciler } from "./reconciler.js";
import { startWebhookServer } from "./server.js";

export interface WatchOptions {
  dir: string;
  host: string;
  port: number;
  /** ms between full resyncs */
  resyncMs: number;
  dryRun: boolean;
  /** the webhook secret; undefined only with --insecure-no-webhook-auth */
  secret: string | undefined;
  client: Wawp & GroupCaller;
  /** the instance's own number when the backend knows it (the sandbox) */
  self?: string;
  log: Logger;
  /** a burst of events for one group within this many ms is one reconcile (default 250) */
  settleMs?: number;
}

export interface Watch {
  url: string;
  metrics: WatchMetrics;
  /** the first full resync has finished */
  healthy(): boolean;
  /** resolves when no group waits or runs */
  idle(): Promise<void>;
  /** SIGHUP: reload the manifests */
  reload(): void;
  /** SIGTERM: refuse deliveries, let the call in flight finish, stop */
  stop(): Promise<void>;
}

export async function startWatch(opts: WatchOptions): Promise<Watch> {
  const { log } = opts;
  const fleet = await FleetSource.open(opts.dir, log);
  let bucket = new TokenBucket(fleet.current.config.limits.requestsPerMinute);
  let lastResync: number | undefined;
  let stopped = false;
  let resyncTimer: NodeJS.Timeout | undefined;
  // the queue is made below; the gauge reads it lazily
  let queue: GroupQueue | undefined;
  const metrics = new WatchMetrics(
    () => queue?.depth ?? 0,
    () => lastResync,
  );
  const reconciler = new Reconciler({
    client: opts.client,
    ...(opts.self ? { self: opts.self } : {}),
    fleet: () => fleet.current,
    bucket: () => bucket,
    metrics,
    log,
    dryRun: opts.dryRun,
  });
  queue = new GroupQueue(
    fleet.current.config.limits.concurrency,
    async (serial) => {
      try {
        await reconciler.reconcile(serial);
      } catch (e) {
        metrics.reconciles.inc({ result: "failed" });
        if (!reconciler.stopping) log.error({ serial, error: (e as Error).message }, "reconcile failed");
      }
    },
    { coalesced: () => metrics.eventsCoalesced.inc() },
    opts.settleMs ?? 250,
  );
  const q = queue;

  const resync = async (): Promise<void> => {
    if (stopped) return;
    let next = opts.resyncMs;
    try {
      const due = await reconciler.resync();
      log.info({ due: due.length }, "full resync read the fleet");
      for (const serial of due) q.push(serial);
      await q.idle();
      lastResync = Date.now();
      metrics.resyncs.inc({ result: "ok" });
    } catch (e) {
      metrics.resyncs.inc({ result: "failed" });
      if (!reconciler.stopping) log.error({ error: (e as Error).message }, "full resync failed");
      // not caught up yet: try again soon rather than a whole --resync later
      next = Math.min(next, 30_000);
    }
    if (!stopped) resyncTimer = setTimeout(() => void resync(), next);
  };

  const server = await startWebhookServer({
    host: opts.host,
    port: opts.port,
    secret: opts.secret,
    metrics,
    healthy: () => lastResync !== undefined,
    deliver: (body) => {
      const heard = hear(body);
      metrics.eventsReceived.inc({ event: heard.event });
      if (heard.kind === "ignored") {
        metrics.eventsIgnored.inc({ reason: heard.why });
        return;
      }
      const serial = reconciler.serialOf(heard.groupId, heard.subject);
      if (!serial) {
        metrics.eventsIgnored.inc({ reason: "no manifest declares the group" });
        return;
      }
      if (heard.left.length) reconciler.noteLeft(serial, heard.groupId, heard.left);
      log.debug({ serial, event: heard.event }, "event");
      q.push(serial);
    },
  });

  fleet.watch((r: Reloaded | undefined) => {
    metrics.reloads.inc({ result: r ? "ok" : "invalid" });
    if (!r || stopped) return;
    const rpm = fleet.current.config.limits.requestsPerMinute;
    if (rpm !== bucket.perMinute) bucket = new TokenBucket(rpm);
    if (r.configChanged) {
      if (resyncTimer) clearTimeout(resyncTimer);
      void resync();
    } else for (const serial of r.changed) q.push(serial);
  });
  void resync();

  return {
    url: server.url,
    metrics,
    healthy: () => lastResync !== undefined,
    idle: () => q.idle(),
    reload: () => fleet.kick(),
    stop: async () => {
      stopped = true;
      server.refuse();
      if (resyncTimer) clearTimeout(resyncTimer);
      fleet.close();
      reconciler.stopping = true;
      await q.stop();
      await server.close();
    },
  };
}
