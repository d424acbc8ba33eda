// Per-group work, coalesced: a group is queued at most once; events for a group being reconciled ask
// for exactly one more run after it. At most `concurrency` groups run at once.
export interface QueueHooks {
  /** an event that added no work (the group was already waiting, or already due for one more run) */
  coalesced?: (key: string) => void;
}

export class GroupQueue {
  private readonly pending = new Map<string, number>(); // key -> not before (ms)
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly worker: (key: string) => Promise<void>,
    private readonly hooks: QueueHooks = {},
    /** a burst arriving within this many ms becomes one run */
    private readonly settleMs = 250,
  ) {}

  /** Ask for a run of `key`; "coalesced" when one already waits. */
  push(key: string): "queued" | "coalesced" {
    if (this.pending.has(key) || (this.running.has(key) && this.again.has(key))) {
      this.hooks.coalesced?.(key);
      return "coalesced";
    }
    if (this.running.has(key)) this.again.add(key);
    else this.pending.set(key, Date.now() + this.settleMs);
    this.pump();
    return "queued";
  }

  /** groups waiting or due for one more run */
  get depth(): number {
    return this.pending.size + this.again.size;
  }

  get busy(): number {
    return this.running.size;
  }

  /** Resolves when nothing waits or runs. */
  idle(): Promise<void> {
    if (!this.pending.size && !this.running.size) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /** No new runs; resolves when the runs in flight ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.pending.clear();
    this.again.clear();
    while (this.running.size) await new Promise((r) => this.waiters.push(() => r(undefined)));
  }

  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    let soonest = Number.POSITIVE_INFINITY;
    for (const [key, at] of this.pending) {
      if (this.running.size >= this.concurrency) break;
      if (this.running.has(key)) continue;
      if (at > now) {
        soonest = Math.min(soonest, at);
        continue;
      }
      this.pending.delete(key);
      this.start(key);
    }
    if (soonest < Number.POSITIVE_INFINITY && !this.timer)
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.pump();
        },
        Math.max(1, soonest - now),
      );
  }

  private start(key: string): void {
    this.running.add(key);
    void this.worker(key)
      .catch(() => undefined) // the worker logs and counts its own failures
      .finally(() => {
        this.running.delete(key);
        // the run asked for during this one also waits out the settle time: a long burst is a few runs
        if (this.again.delete(key) && !this.stopped) this.pending.set(key, Date.now() + this.settleMs);
        this.pump();
        if (!this.pending.size && !this.running.size) {
          const w = this.waiters;
          this.waiters = [];
          for (const f of w) f();
        } else if (this.stopped) {
          // stop() waits on running only
          const w = this.waiters;
          this.waiters = [];
          for (const f of w) f();
        }
      });
  }
}
