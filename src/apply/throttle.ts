// Write throttling: strict pacing for all mutating calls, and the hourly creation budget counted from
// the live groups' own creation times, so both hold across runs, processes and machines.
import { type Clock, realClock } from "../clock.js";

/**
 * `perMinute` writes a minute, one every 60/perMinute seconds; callers queue in order.
 *
 * A run cannot see the writes of the run before it (a shard in turn, a rerun after a failure), so the
 * bucket starts empty and holds at most one write: every write, the first included, waits one interval
 * after the one before. Any run paced this way, back to back with another paced the same way, keeps
 * every 60-second window at `perMinute` writes or fewer. A bucket that started full, or that saved
 * tokens while idle, would let a run burst on top of the previous run's last minute.
 */
export class TokenBucket {
  private tokens = 0;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly perMinute: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(perMinute > 0)) throw new RangeError(`requestsPerMinute must be above 0 (got ${perMinute})`);
    this.last = clock.now();
  }

  /** ms between two writes */
  get intervalMs(): number {
    return 60_000 / this.perMinute;
  }

  private refill(): void {
    const t = this.clock.now();
    this.tokens = Math.min(1, this.tokens + (t - this.last) / this.intervalMs);
    this.last = t;
  }

  /** Resolves when a write may go. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill();
      while (this.tokens < 1) {
        await this.clock.sleep(Math.ceil((1 - this.tokens) * this.intervalMs));
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** The least time `n` writes need under this budget, ms: one interval each, the first included. */
  static minimumMs(n: number, perMinute: number): number {
    return (Math.max(0, n) * 60_000) / perMinute;
  }
}
/** Creations allowed per rolling hour, seeded from the instance's groups created within the hour. */
export class CreateBudget {
  private readonly times: number[];
  constructor(
    readonly perHour: number,
    /** Unix seconds of recent creations by this instance */
    recent: number[],
    private readonly clock: Clock = realClock,
  ) {
    this.times = [...recent];
  }

  private live(): number[] {
    const now = this.clock.now() / 1000;
    return this.times.filter((t) => now - t < 3600);
  }

  /** Claims a creation; false when the hour's budget is used up. */
  claim(): boolean {
    if (this.live().length >= this.perHour) return false;
    this.times.push(this.clock.now() / 1000);
    return true;
  }

  /** When the next creation frees up, ms since the epoch. */
  nextFree(): number {
    const l = this.live().sort((a, b) => a - b);
    if (l.length < this.perHour) return this.clock.now();
    return (l[l.length - this.perHour]! + 3600) * 1000;
  }
}
