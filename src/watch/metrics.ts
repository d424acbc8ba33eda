// What watch exposes on GET /metrics, in its own registry (several watches in one test process do not
// share counters). Names follow Prometheus conventions: a _total suffix on counters, seconds as the unit.
import { Counter, Gauge, Registry } from "prom-client";

export type ReconcileResult = "done" | "no-change" | "deferred" | "failed" | "unsafe" | "dry-run" | "ignored";

export class WatchMetrics {
  readonly registry = new Registry();
  readonly eventsReceived = new Counter({
    name: "wagroups_watch_events_received_total",
    help: "webhook deliveries accepted, by event name",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });
  readonly eventsRejected = new Counter({
    name: "wagroups_watch_events_rejected_total",
    help: "webhook deliveries refused, by reason (signature, json, size)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly eventsIgnored = new Counter({
    name: "wagroups_watch_events_ignored_total",
    help: "accepted deliveries that asked for no work, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly eventsCoalesced = new Counter({
    name: "wagroups_watch_events_coalesced_total",
    help: "events folded into a reconcile already waiting",
    registers: [this.registry],
  });
  readonly reconciles = new Counter({
    name: "wagroups_watch_reconciles_total",
    help: "group reconciles, by result",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly writes = new Counter({
    name: "wagroups_watch_writes_total",
    help: "mutating API calls made",
    registers: [this.registry],
  });
  readonly drift = new Counter({
    name: "wagroups_watch_drift_found_total",
    help: "reconciles that found the live group away from its manifest",
    registers: [this.registry],
  });
  readonly goodbyes = new Counter({
    name: "wagroups_watch_goodbyes_sent_total",
    help: "goodbye messages sent to people who left by themselves",
    registers: [this.registry],
  });
  readonly resyncs = new Counter({
    name: "wagroups_watch_resyncs_total",
    help: "full resyncs, by result",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });
  readonly reloads = new Counter({
    name: "wagroups_watch_manifest_reloads_total",
    help: "manifest reloads, by result (ok, invalid)",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });

  constructor(depth: () => number, lastResync: () => number | undefined) {
    new Gauge({
      name: "wagroups_watch_queue_depth",
      help: "groups waiting for a reconcile",
      registers: [this.registry],
      collect() {
        this.set(depth());
      },
    });
    new Gauge({
      name: "wagroups_watch_seconds_since_last_resync",
      help: "seconds since the last full resync finished (-1 before the first)",
      registers: [this.registry],
      collect() {
        const at = lastResync();
        this.set(at === undefined ? -1 : (Date.now() - at) / 1000);
      },
    });
  }
}
