// Write throttling: a token bucket for all mutating calls, and the hourly creation budget counted from
// the live groups' own creation times, so it holds across runs, processes and machines.
import { type Clock, realClock } from "../clock.js";

/** `perMinute` writes a minute, at most `burst` at once; callers queue in order. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  readonly burst: number;

  constructor(
    readonly perMinute: number,
    private readonly clock: Clock = realClock,
    burst?: number,
  ) {
    this.burst = Math.max(1, burst ?? perMinute);
    this.tokens = this.burst;
    this.last = clock.now();
  }

  private refill(): void {
    const t = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.perMinute) / 60_000);
    this.last = t;
  }

  /** Resolves when a write may go. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill();
      while (this.tokens < 1) {
        const wait = Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
        await this.clock.sleep(wait);
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** The least time `n` writes need under this budget from a full bucket, ms. */
  static minimumMs(n: number, perMinute: number, burst = perMinute): number {
    return (Math.max(0, n - burst) * 60_000) / perMinute;
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
